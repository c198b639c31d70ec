"""Python `segno` on the bench URLs: single thread, EC M, border 4.

PNG at the scale that comes closest to 512 px for each code (segno sizes by
whole pixels per module), SVG at the same scale. Writes one output per URL
to <out>/segno/NN.{png,svg} for the decode check, then measures whole passes
for at least `seconds`. Prints
`RESULT segno <png|svg> <renders_per_s> <renders> <seconds>`.
"""
import io
import os
import sys
import time

import segno

urls_file, out = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
warmup = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
with open(urls_file, encoding="utf-8") as f:
    urls = [line.strip() for line in f if line.strip()]


def render(url, kind):
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    modules = qr.symbol_size(scale=1, border=4)[0]
    scale = max(1, round(512 / modules))
    buf = io.BytesIO()
    qr.save(buf, kind=kind, scale=scale, border=4)
    return buf.getvalue()


directory = os.path.join(out, "segno")
os.makedirs(directory, exist_ok=True)
for kind in ("png", "svg"):
    for i, url in enumerate(urls, start=1):
        with open(os.path.join(directory, f"{i:02d}.{kind}"), "wb") as f:
            f.write(render(url, kind))
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        for url in urls:
            render(url, kind)
    renders = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for url in urls:
            render(url, kind)
        renders += len(urls)
    elapsed = time.perf_counter() - start
    print(f"RESULT segno {kind} {renders / elapsed:.1f} {renders} {elapsed:.3f}")
