"""Orchestration overhead of `jfbench eval` against a local OpenAI-compatible server.

Run: python benchmarks/runner.py [--items 200] [--latency 0.2] [--concurrency 50] [--repeat 3]

The server (tests/openai_server.py, on 127.0.0.1) answers every request after a fixed latency, so the
best possible wall time for the generation phase is ceil(items / concurrency) x latency (0.8 s for the
defaults). Printed: generation wall time as a multiple of that floor (goal <= 1.2x); the same requests
sent through a bare AsyncOpenAI client (what the SDK and its httpx transport cost by themselves) and
written straight to sockets (what the Python test server allows); the whole run (generation, checks,
scoring, files); and peak memory (RSS) of the runner. Figures are medians; the server runs in its own
process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from openai import AsyncOpenAI  # noqa: E402
from openai_server import ScriptedOpenAIServer  # noqa: E402

from jfbench.cli_run import build_set  # noqa: E402
from jfbench.models import ModelSpec  # noqa: E402
from jfbench.run import RunConfig, check, generate, load_items, write_scores  # noqa: E402

ANSWER = "承知しました。春は桜、夏は海、秋は紅葉、冬は雪が楽しめます。季節ごとの楽しみ方をご紹介します。"


def _serve(latency: float, queue: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    with ScriptedOpenAIServer([{"sleep": latency, "content": ANSWER}]) as server:
        queue.put(server.base_url)
        stop.wait()


async def _bare_sdk(base_url: str, texts: list[str], concurrency: int) -> float:
    """The same requests through a bare AsyncOpenAI client: what the SDK and server alone cost."""
    client = AsyncOpenAI(api_key="not-needed", base_url=base_url, max_retries=0)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(text: str) -> None:
        async with semaphore:
            await client.chat.completions.create(model="bench", messages=[{"role": "user", "content": text}])

    start = time.perf_counter()
    await asyncio.gather(*(one(t) for t in texts))
    elapsed = time.perf_counter() - start
    await client.close()
    return elapsed


async def _raw_sockets(base_url: str, texts: list[str], concurrency: int) -> float:
    """The same requests written straight to sockets (no HTTP library): what the server alone allows."""
    url = urlsplit(base_url)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(text: str) -> None:
        body = json.dumps({"model": "bench", "messages": [{"role": "user", "content": text}]}).encode()
        head = (f"POST {url.path}/chat/completions HTTP/1.1\r\nHost: {url.netloc}\r\n"
                f"Content-Type: application/json\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n")
        async with semaphore:
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
            writer.write(head.encode() + body)
            await writer.drain()
            await reader.read()
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(one(t) for t in texts))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        set_path = Path(tmp) / "set.jsonl"
        per_size = math.ceil(args.items / 4)
        set_path.write_text(build_set(seed=1, prompts_file=None, per_size=per_size, sizes=(1, 2, 4, 8)),
                            encoding="utf-8")
        items, digest = load_items(set_path)
        items = items[:args.items]
        floor = math.ceil(len(items) / args.concurrency) * args.latency
        gen_times, total_times, sdk_times, raw_times = [], [], [], []
        # The server runs in its own process, as a real one would: in ours it would compete for the GIL.
        queue: multiprocessing.Queue = multiprocessing.Queue()
        stop = multiprocessing.Event()
        server = multiprocessing.Process(target=_serve, args=(args.latency, queue, stop), daemon=True)
        server.start()
        try:
            server_url = queue.get(timeout=30)
            spec = ModelSpec.parse("vllm:bench", base_url=server_url)
            config = RunConfig(model=str(spec), dataset="bench", dataset_sha256=digest)
            for k in range(args.repeat):
                folder = Path(tmp) / f"run{k}"
                folder.mkdir()
                (folder / "run.json").write_text(config.model_dump_json(), encoding="utf-8")
                start = time.perf_counter()
                responses, failed, _ = asyncio.run(generate(items, folder, spec, config.gen,
                                                            concurrency=args.concurrency))
                generated = time.perf_counter()
                verdicts = asyncio.run(check(items, responses))
                write_scores(folder, items, verdicts, responses)
                done = time.perf_counter()
                assert not failed and len(responses) == len(items)
                gen_times.append(generated - start)
                total_times.append(done - start)
                sdk_times.append(asyncio.run(_bare_sdk(server_url, [it.text for it in items], args.concurrency)))
                raw_times.append(asyncio.run(_raw_sockets(server_url, [it.text for it in items], args.concurrency)))
        finally:
            stop.set()
            server.join(5)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gen, total, sdk = statistics.median(gen_times), statistics.median(total_times), statistics.median(sdk_times)
    print(f"{len(items)} items, {args.latency:.2f} s latency, {args.concurrency} in flight, {args.repeat} repeats")
    print(f"  floor (items / in flight x latency): {floor:.2f} s")
    print(f"  generation wall time: {gen:.2f} s median = {gen / floor:.2f}x the floor (goal <= 1.2x); "
          f"runs: {', '.join(f'{t:.2f}' for t in gen_times)}")
    over_sdk = statistics.median(g / b for g, b in zip(gen_times, sdk_times, strict=True))
    print(f"  the same requests through a bare AsyncOpenAI client: {sdk:.2f} s = {sdk / floor:.2f}x the floor; "
          f"jfbench's generation / bare SDK: {over_sdk:.2f}x")
    raw = statistics.median(raw_times)
    print(f"  the same requests written straight to sockets (no HTTP library): {raw:.2f} s = {raw / floor:.2f}x")
    print(f"  whole run (generation, checks, scores, files): {total:.2f} s median = {total / floor:.2f}x")
    print(f"  peak memory (RSS of the runner process, set building included): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
