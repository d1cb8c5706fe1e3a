"""Runs an .onnx model with Python onnxruntime on float32 input from a raw file and writes
the first output as raw float32. Usage: ort_predict.py MODEL INPUT_BIN SHAPE(comma) OUTPUT_BIN"""
import sys

import numpy as np
import onnxruntime as ort

model, inp, shape, out = sys.argv[1], sys.argv[2], [int(d) for d in sys.argv[3].split(",")], sys.argv[4]
session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
x = np.fromfile(inp, dtype=np.float32).reshape(shape)
(y,) = session.run(None, {session.get_inputs()[0].name: x})
np.asarray(y, dtype=np.float32).tofile(out)
print(ort.__version__)
