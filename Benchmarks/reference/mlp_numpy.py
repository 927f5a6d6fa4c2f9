"""The benchmark's reference workload in numpy: the yardstick `digits` is measured against.

Full MNIST, pixels/255, MLP 784-256-128-10 with ReLU, He-normal init, softmax + cross-entropy,
SGD with momentum 0.9 and learning rate 0.05 in PyTorch's form (v = 0.9 v + g; w -= lr v),
batch 64 (the last batch partial), reshuffled every epoch. Prints one JSON object.

    python3 mlp_numpy.py --data DIR [--epochs 5] [--seed 1] [--threads 2]
"""

import os
import time

from mnist_io import workload_arguments


def main():
    args = workload_arguments(__doc__)
    # OpenBLAS reads its thread count when it loads, so set it before numpy is imported.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    import numpy as np

    from mnist_io import load, report

    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    rng = np.random.default_rng(args.seed)
    sizes = [784, 256, 128, 10]
    weights = [rng.standard_normal((n, m), dtype=np.float32) * np.float32(np.sqrt(2.0 / n))
               for n, m in zip(sizes, sizes[1:])]
    biases = [np.zeros(m, dtype=np.float32) for m in sizes[1:]]
    vw = [np.zeros_like(w) for w in weights]
    vb = [np.zeros_like(b) for b in biases]
    lr, mu = np.float32(args.learning_rate), np.float32(args.momentum)

    epoch_seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(len(train_x))
        for first in range(0, len(order), args.batch_size):
            idx = order[first:first + args.batch_size]
            x = train_x[idx].astype(np.float32) / np.float32(255)
            y = train_y[idx]
            # Forward: Z = I·W + b, A = ReLU(Z); the last layer gives logits.
            activations = [x]
            for layer, (w, b) in enumerate(zip(weights, biases)):
                z = activations[-1] @ w + b
                activations.append(np.maximum(z, 0) if layer < len(weights) - 1 else z)
            logits = activations[-1]
            shifted = logits - logits.max(axis=1, keepdims=True)
            probabilities = np.exp(shifted)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            # Backward: dL/dZ of softmax + cross-entropy is (P - Y) / B.
            dz = probabilities
            dz[np.arange(len(y)), y] -= 1
            dz /= np.float32(len(y))
            for layer in range(len(weights) - 1, -1, -1):
                grad_w = activations[layer].T @ dz
                grad_b = dz.sum(axis=0)
                if layer > 0:
                    da = dz @ weights[layer].T
                    dz = da * (activations[layer] > 0)
                vw[layer] *= mu
                vw[layer] += grad_w
                vb[layer] *= mu
                vb[layer] += grad_b
                weights[layer] -= lr * vw[layer]
                biases[layer] -= lr * vb[layer]
        epoch_seconds.append(time.perf_counter() - start)

    h = test_x.astype(np.float32) / np.float32(255)
    for layer, (w, b) in enumerate(zip(weights, biases)):
        h = h @ w + b
        if layer < len(weights) - 1:
            h = np.maximum(h, 0)
    accuracy = float((h.argmax(axis=1) == test_y).mean())
    report("numpy " + np.__version__, epoch_seconds, accuracy, int(len(train_x)))


if __name__ == "__main__":
    main()
