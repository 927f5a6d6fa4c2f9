"""What the reference implementations share: their command line and reading the four MNIST IDX
files (gzipped or raw)."""

import argparse
import gzip
import json
import os
import resource
import struct

NAMES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}


def read_idx(path):
    import numpy as np

    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(folder, split):
    """Returns (images as uint8 N×784, labels as int64 N)."""
    import numpy as np

    def find(kind):
        base = os.path.join(folder, NAMES[(split, kind)])
        for candidate in (base, base + ".gz"):
            if os.path.exists(candidate):
                return candidate
        raise FileNotFoundError(base)
    images = read_idx(find("images")).reshape(-1, 784)
    labels = read_idx(find("labels")).astype(np.int64)
    return images, labels


def workload_arguments(description):
    """The reference workload's options, with its defaults."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", required=True, help="folder holding the four MNIST files")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


def report(name, epoch_seconds, test_accuracy, train_images):
    """Prints the run's result as the one JSON object the benchmark runner reads."""
    print(json.dumps({
        "name": name,
        "epoch_seconds": epoch_seconds,
        "test_accuracy": test_accuracy,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "train_images": train_images,
    }))
