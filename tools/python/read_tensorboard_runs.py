"""Prints every run of a TensorBoard log directory as JSON, read by TensorBoard's own
EventAccumulator (the reader behind the TensorBoard UI, with its default purging of
orphaned data after a restart). Used by the trainer's tests.

Output: {run: {"scalars": {tag: [[step, value], ...]},
               "histograms": {tag: [[step, count, min, max], ...]}}}
where run is the directory relative to the log directory ("train", "validation", ".").
"""
import json
import os
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def read_run(path):
    acc = EventAccumulator(path, size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    tags = acc.Tags()
    return {
        "scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in tags["scalars"]},
        "histograms": {
            t: [[e.step, e.histogram_value.num, e.histogram_value.min, e.histogram_value.max] for e in acc.Histograms(t)]
            for t in tags["histograms"]
        },
    }


def main(logdir):
    runs = {}
    for dirpath, _dirs, files in sorted(os.walk(logdir)):
        if any(f.startswith("events.out.tfevents.") for f in files):
            runs[os.path.relpath(dirpath, logdir)] = read_run(dirpath)
    print(json.dumps(runs))


if __name__ == "__main__":
    main(sys.argv[1])
