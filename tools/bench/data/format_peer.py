#!/usr/bin/env python3
"""The Python side of the data-format benchmark (tools/bench/data/formats.ts): what a Python
user reads the same files with, on one core (formats.ts pins the process with taskset).

  write-tfrecord <idxDir> <outDir> <shards>  Fashion-MNIST train as TFRecord shards (TensorFlow's writer)
  tfrecord <file>...   tf.data.TFRecordDataset + tf.io.parse_example (batches of 256) + decode_raw to float32
  csv <file>           pandas.read_csv (C engine), then the pixel columns as float32 / 255
  write-png <idxDir> <outDir> <n>  the first n training images as root/<class>/<i>.png (PIL)
  png <root>           PIL: open every root/<class>/*.png, grayscale, float32 / 255, labels from the folders
Prints one JSON line: {"ms": ..., "examples": ...}.
"""
import json
import os
import sys
import time

BATCH = 256


def tfrecord(files):
    import tensorflow as tf
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    spec = {'image': tf.io.FixedLenFeature([], tf.string), 'label': tf.io.FixedLenFeature([], tf.int64)}

    def parse(batch):
        ex = tf.io.parse_example(batch, spec)
        x = tf.cast(tf.io.decode_raw(ex['image'], tf.uint8), tf.float32) / 255.0
        return x, ex['label']

    opts = tf.data.Options()
    opts.threading.private_threadpool_size = 1
    parts = [tf.data.TFRecordDataset(f, compression_type='GZIP' if f.endswith('.gz') else '') for f in files]
    ds = parts[0]
    for p in parts[1:]:
        ds = ds.concatenate(p)
    ds = ds.batch(BATCH).map(parse).with_options(opts)
    t = time.perf_counter()
    n = 0
    for x, y in ds:
        n += int(y.shape[0])
    return (time.perf_counter() - t) * 1000, n


def csv(path):
    import numpy as np
    import pandas as pd
    t = time.perf_counter()
    df = pd.read_csv(path, engine='c')
    y = df['label'].to_numpy()
    x = df.drop(columns=['label']).to_numpy(dtype=np.float32) / np.float32(255)
    ms = (time.perf_counter() - t) * 1000
    assert x.shape[0] == y.shape[0]
    return ms, int(y.shape[0])


def write_png(idx_dir, out, n):
    import gzip
    import struct
    import numpy as np
    from PIL import Image

    def read(name):
        with gzip.open(os.path.join(idx_dir, name), 'rb') as f:
            raw = f.read()
        nd = raw[3]
        dims = struct.unpack('>' + 'I' * nd, raw[4:4 + 4 * nd])
        return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)

    x, y = read('train-images-idx3-ubyte.gz'), read('train-labels-idx1-ubyte.gz')
    for c in range(10):
        os.makedirs(os.path.join(out, f'class-{c}'), exist_ok=True)
    for i in range(n):
        Image.fromarray(x[i], mode='L').save(os.path.join(out, f'class-{y[i]}', f'{i:05d}.png'))


def png(root):
    import numpy as np
    from PIL import Image
    t = time.perf_counter()
    classes = sorted(os.listdir(root))
    xs, ys = [], []
    for label, c in enumerate(classes):
        for name in sorted(os.listdir(os.path.join(root, c))):
            with Image.open(os.path.join(root, c, name)) as im:
                xs.append(np.asarray(im.convert('L'), dtype=np.float32) / np.float32(255))
            ys.append(label)
    x = np.stack(xs)
    return (time.perf_counter() - t) * 1000, int(x.shape[0])


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'write-tfrecord':
        here = os.path.dirname(os.path.abspath(__file__))
        sys.argv = ['x', args[0], args[1], args[2]]
        sys.path.insert(0, os.path.join(here, '..', '..', 'fixtures', 'tfrecord'))
        import make_fashion_mnist_tfrecord
        make_fashion_mnist_tfrecord.main()
        return
    if cmd == 'write-png':
        write_png(args[0], args[1], int(args[2]))
        return
    ms, n = tfrecord(args) if cmd == 'tfrecord' else png(args[0]) if cmd == 'png' else csv(args[0])
    print(json.dumps({'ms': ms, 'examples': n}))


if __name__ == '__main__':
    main()
