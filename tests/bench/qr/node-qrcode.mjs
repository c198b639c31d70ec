// npm `qrcode` on the bench URLs: single thread, EC M, margin 4, 512 px PNG
// (toBuffer) and SVG (toString). Writes one output per URL to
// <out>/npm-qrcode/NN.{png,svg} for the decode check, then measures whole
// passes over the URLs for at least `seconds`. Prints
// `RESULT npm-qrcode <png|svg> <renders_per_s> <renders> <seconds>`.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';

const [urlsFile, out, seconds = '3', warmup = '1'] = process.argv.slice(2);
const urls = readFileSync(urlsFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
const options = { errorCorrectionLevel: 'M', margin: 4, width: 512 };
const formats = {
  png: (url) => QRCode.toBuffer(url, { ...options, type: 'png' }),
  svg: (url) => QRCode.toString(url, { ...options, type: 'svg' }),
};
const dir = join(out, 'npm-qrcode');
mkdirSync(dir, { recursive: true });

for (const [format, render] of Object.entries(formats)) {
  for (const [i, url] of urls.entries()) {
    writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}.${format}`), await render(url));
  }
  const pass = async () => { for (const url of urls) await render(url); };
  const warmEnd = performance.now() + Number(warmup) * 1000;
  while (performance.now() < warmEnd) await pass();
  let renders = 0;
  const start = performance.now();
  while (performance.now() - start < Number(seconds) * 1000) {
    await pass();
    renders += urls.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  console.log(`RESULT npm-qrcode ${format} ${(renders / elapsed).toFixed(1)} ${renders} ${elapsed.toFixed(3)}`);
}
