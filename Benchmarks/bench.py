"""Runs the reference training workload with digits, numpy and (when installed) PyTorch in one
invocation, and prints their figures side by side with ratios.

The workload (the same for all three): full MNIST, pixels/255, MLP 784-256-128-10 with ReLU,
He-normal init, softmax + cross-entropy, SGD with momentum 0.9 and learning rate 0.05 in
PyTorch's form, batch 64 reshuffled every epoch, 2 threads. Seconds per epoch are the median of
epochs 2..N (the first epoch warms caches and page-faults memory in).

Absolute figures differ from machine to machine and from run to run on a shared one, so the
run also measures this machine's FMA peak (a register-only loop at the kernels' instruction-set
level, on as many threads as the workload, all at once) and states each workload's throughput,
and each kernel's one-thread figure, as a fraction of it. The second workload is a wide network
(784-1024-1024-10) trained with --augment and Adam, as the long recipes train.

    python3 Benchmarks/bench.py --data DIR [--epochs 5] [--skip-torch] [--digits PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIZES = [784, 256, 128, 10]
WIDE_SIZES = [784, 1024, 1024, 10]
# Augmented runs, each followed by a plain one, that augmentation's cost is the median over.
AUGMENTATION_PAIRS = 3


def step_flops_per_image(sizes=SIZES):
    """Floating-point operations of the matrix products per training image: the forward I·W,
    the weight gradients Iᵀ·dZ, and the input gradients dZ·Wᵀ of every layer but the first."""
    pairs = list(zip(sizes, sizes[1:]))
    forward = sum(2 * n * m for n, m in pairs)
    weight_gradients = forward
    input_gradients = sum(2 * n * m for n, m in pairs[1:])
    return forward + weight_gradients + input_gradients


def run_measured(command, env=None):
    """Runs `command`, returning (stdout, peak RSS in bytes, wall seconds)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed with status {process.returncode}")
    return output.decode(), usage.ru_maxrss * 1024, time.perf_counter() - started


def run_digits(binary, data, epochs, threads, extra=("--no-augment",), sizes=SIZES):
    optimizer = ["--learning-rate", "0.05", "--momentum", "0.9"] if "--optimizer" not in extra else []
    with tempfile.TemporaryDirectory() as scratch:
        output, rss, _ = run_measured([
            binary, "train", "--data", data, "--epochs", str(epochs),
            "--hidden", ",".join(str(size) for size in sizes[1:-1]), "--batch-size", "64", *optimizer,
            "--schedule", "constant", "--threads", str(threads), "--seed", "1", "--json",
            "--no-checkpoint", "--output", os.path.join(scratch, "model.safetensors"), *extra])
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    epochs_seen = [r["metrics"] for r in records if r.get("event") == "epoch"]
    return {
        "name": "digits" if extra == ("--no-augment",) else " ".join(["digits", *extra]),
        "epoch_seconds": [m["trainSeconds"] for m in epochs_seen],
        "test_accuracy": epochs_seen[-1]["testAccuracy"],
        "peak_rss_bytes": rss,
        "train_images": 60000,
        "sizes": sizes,
    }


def run_reference(script, data, epochs, threads):
    env = dict(os.environ)
    # OpenBLAS is told its core type on some machines here for older builds' sake; a current
    # numpy runs its best kernels without it.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    output, rss, _ = run_measured([sys.executable, os.path.join(HERE, "reference", script), "--data", data,
                                   "--epochs", str(epochs), "--threads", str(threads)], env=env)
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_rss_bytes"] = rss
    return result


def summarise(result):
    seconds = result["epoch_seconds"]
    steady = seconds[1:] if len(seconds) > 1 else seconds
    per_epoch = statistics.median(steady)
    images = result["train_images"]
    result["seconds_per_epoch"] = per_epoch
    result["images_per_second"] = images / per_epoch
    result["gflops"] = step_flops_per_image(result.get("sizes", SIZES)) * images / per_epoch / 1e9
    return result


def best_wall_time(command, runs):
    """The best wall time of `runs` fresh runs of `command`, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def classification_report(binary, data):
    """Fresh-process latency on one picture, throughput on a folder of 10,000 PNGs (with their
    accuracy), the time for a 5000×5000 picture, and a fresh `digits read` of a number."""
    sys.path.insert(0, HERE)
    from pictures import write_large_seven, write_number, write_test_digits

    lines = []
    sample = os.path.join(ROOT, "Fixtures", "digits", "seven.png")
    latency = best_wall_time([binary, "classify", sample], runs=20)
    lines.append(f"digits classify Fixtures/digits/seven.png, fresh process: {latency * 1000:.1f} ms (best of 20)")
    with tempfile.TemporaryDirectory() as scratch:
        folder = os.path.join(scratch, "test-digits")
        count = write_test_digits(data, folder)
        started = time.perf_counter()
        output = subprocess.run([binary, "classify", "--json", folder], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout
        seconds = time.perf_counter() - started
        records = [json.loads(line) for line in output.splitlines()]
        correct = sum(1 for r in records if r["prediction"] == int(r["file"].rsplit("-", 1)[1][0]))
        lines.append(f"digits classify on a folder of {count:,} MNIST test PNGs: {seconds:.2f} s, "
                     f"{count / seconds:,.0f} images/s, {correct / count:.2%} correct")
        large = os.path.join(scratch, "seven-5000.png")
        write_large_seven(large)
        seconds = best_wall_time([binary, "classify", large], runs=3)
        lines.append(f"digits classify on a 5000×5000 PNG: {seconds * 1000:.0f} ms (best of 3)")
        number = os.path.join(scratch, "number.png")
        text = write_number(data, number)
        read = subprocess.run([binary, "read", "--json", number], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
        seconds = best_wall_time([binary, "read", number], runs=20)
        lines.append(f"digits read on a 1000×200 PNG of {len(text)} digits, fresh process: {seconds * 1000:.1f} ms "
                     f"(best of 20), read {json.loads(read)['text']} for {text}")
    return "\n".join(lines)


def build_kernel_bench(scratch):
    """Builds the sgemm micro-benchmark and FMA peak loop from the kernel sources into `scratch`,
    returning the binary's path."""
    kernels = os.path.join(ROOT, "Sources", "CKernels")
    here = os.path.join(HERE, "kernels")
    binary = os.path.join(scratch, "bench_sgemm")
    c_files = [os.path.join(kernels, f) for f in sorted(os.listdir(kernels)) if f.endswith(".c")]
    subprocess.run(["clang", "-O2", "-I", os.path.join(kernels, "include"), "-I", kernels, *c_files,
                    os.path.join(here, "fma_peak.c"), os.path.join(here, "bench_sgemm.c"),
                    "-o", binary, "-lm", "-lpthread"], check=True)
    return binary


def fma_peak(binary, threads):
    """This machine's FMA peak at the kernels' level: (level, one thread's GFLOP/s, `threads`
    threads' GFLOP/s all at once)."""
    output = subprocess.run([binary, "peak", str(threads)], capture_output=True, text=True, check=True).stdout
    peaks = {int(line.split()[2]): float(line.split()[3]) for line in output.splitlines() if line.startswith("peak ")}
    level = output.split()[1]
    return level, peaks[1], peaks[threads]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--digits", default=os.path.join(ROOT, ".build", "release", "digits"))
    parser.add_argument("--skip-torch", action="store_true")
    parser.add_argument("--skip-kernels", action="store_true")
    args = parser.parse_args()

    scratch = tempfile.TemporaryDirectory()
    kernel_bench = build_kernel_bench(scratch.name)
    level, peak_one, peak_all = fma_peak(kernel_bench, args.threads)
    print(f"This machine's FMA peak at the kernels' level ({level}, register-only loop): "
          f"{peak_one:.1f} GFLOP/s on one thread, {peak_all:.1f} on {args.threads} at once\n")

    results = [summarise(run_digits(args.digits, args.data, args.epochs, args.threads))]
    results.append(summarise(run_reference("mlp_numpy.py", args.data, args.epochs, args.threads)))
    try:
        import importlib.util
        has_torch = importlib.util.find_spec("torch") is not None
    except ImportError:
        has_torch = False
    if has_torch and not args.skip_torch:
        results.append(summarise(run_reference("mlp_torch.py", args.data, args.epochs, args.threads)))
    elif not args.skip_torch:
        print("bench: PyTorch is not installed (pip install torch==2.13.0+cpu); leaving it out\n")

    digits = results[0]
    print(f"Reference workload: full MNIST, 784-256-128-10 ReLU MLP, SGD momentum 0.9, lr 0.05, batch 64, "
          f"{args.epochs} epochs, {args.threads} threads ({step_flops_per_image() * 60000 / 1e9:.1f} GFLOP "
          f"of matrix products per epoch)\n")
    header = (f"{'':<22}{'s/epoch':>9}{'images/s':>11}{'GFLOP/s':>9}{'of peak':>9}{'peak RSS':>11}"
              f"{'accuracy':>10}{'digits is':>14}")
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = "" if r is digits else f"{r['seconds_per_epoch'] / digits['seconds_per_epoch']:.2f}× faster"
        print(f"{r['name']:<22}{r['seconds_per_epoch']:>9.3f}{r['images_per_second']:>11,.0f}{r['gflops']:>9.1f}"
              f"{r['gflops'] / peak_all:>9.0%}{r['peak_rss_bytes'] / 2**20:>7.0f} MiB{r['test_accuracy'] * 100:>9.2f}%"
              f"{ratio:>14}")
    print()

    # The wide network, with every distortion and Adam: the long recipes' kind of run.
    wide = summarise(run_digits(args.digits, args.data, min(args.epochs, 2), args.threads,
                                extra=("--augment", "--optimizer", "adam"), sizes=WIDE_SIZES))
    print(f"Wide workload, {'-'.join(map(str, WIDE_SIZES))} with --augment --optimizer adam: "
          f"{wide['seconds_per_epoch']:.2f} s/epoch, {wide['gflops']:.1f} GFLOP/s, "
          f"{wide['gflops'] / peak_all:.0%} of the {args.threads}-thread peak\n")

    # The same workload with every training image distorted on the fly (rotation, scaling, shear,
    # shift, elastic field, stroke width, blur, noise): what augmentation costs per epoch. On a
    # shared machine a burst of someone else's work can slow one run by half, so the cost is
    # measured in pairs, an augmented run and a plain one straight after it, and the median of
    # the pairs' ratios is reported.
    ratios, augmented = [], None
    for _ in range(AUGMENTATION_PAIRS):
        augmented = summarise(run_digits(args.digits, args.data, args.epochs, args.threads, extra=("--augment",)))
        plain = summarise(run_digits(args.digits, args.data, args.epochs, args.threads))
        ratios.append(augmented["seconds_per_epoch"] / plain["seconds_per_epoch"])
    print(f"With --augment: {augmented['seconds_per_epoch']:.3f} s/epoch, "
          f"{statistics.median(ratios):.2f}× a plain epoch (median of {AUGMENTATION_PAIRS} pairs of runs: "
          f"{', '.join(f'{r:.2f}×' for r in ratios)}; accuracy {augmented['test_accuracy'] * 100:.2f}% "
          f"after {args.epochs} epochs)\n")

    print(classification_report(args.digits, args.data))
    if not args.skip_kernels:
        report = subprocess.run([kernel_bench], capture_output=True, text=True, check=True).stdout
        print("\nThe engine's matrix products at the workload's shapes (one thread, best of many runs):")
        print(report)
    scratch.cleanup()


if __name__ == "__main__":
    main()
