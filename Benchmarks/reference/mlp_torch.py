"""The benchmark's reference workload in PyTorch (CPU), the same as mlp_numpy.py.

    python3 mlp_torch.py --data DIR [--epochs 5] [--seed 1] [--threads 2]
"""

import time

import numpy as np
import torch

from mnist_io import load, report, workload_arguments


def main():
    args = workload_arguments(__doc__)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    train_x = torch.from_numpy(train_x.copy())
    train_y = torch.from_numpy(train_y.copy())
    layers = []
    sizes = [784, 256, 128, 10]
    for index, (n, m) in enumerate(zip(sizes, sizes[1:])):
        linear = torch.nn.Linear(n, m)
        torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if index < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate, momentum=args.momentum)
    loss_function = torch.nn.CrossEntropyLoss()

    epoch_seconds = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(len(train_x))
        for first in range(0, len(order), args.batch_size):
            idx = order[first:first + args.batch_size]
            x = train_x[idx].float() / 255
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(x), train_y[idx])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - start)

    with torch.no_grad():
        logits = model(torch.from_numpy(test_x.copy()).float() / 255)
        accuracy = float((logits.argmax(dim=1).numpy() == test_y).mean())
    report("PyTorch " + torch.__version__, epoch_seconds, accuracy, int(len(train_x)))


if __name__ == "__main__":
    main()
