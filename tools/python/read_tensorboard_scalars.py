"""Prints the scalars of a TensorBoard log directory as JSON, read by TensorBoard's own
EventAccumulator (the reader behind the TensorBoard UI). Used by the trainer's tests."""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

acc = EventAccumulator(sys.argv[1])
acc.Reload()
print(json.dumps({tag: [[e.step, e.value] for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}))
