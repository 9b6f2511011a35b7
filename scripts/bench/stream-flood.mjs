// The flood: 1,000,000 numbered lines on stdout as fast as the pipe takes them (64 KiB writes,
// waiting for 'drain' only when asked), like a very chatty eksctl -v 9.
const total = Number(process.argv[2] ?? 1_000_000);
const pad = 'x'.repeat(40);
let i = 0;
function chunk() {
  let s = '';
  while (s.length < 65536 && i < total) s += `line ${String(++i).padStart(7, '0')} ${pad}\n`;
  return s;
}
function pump() {
  while (i < total) {
    if (!process.stdout.write(chunk())) return void process.stdout.once('drain', pump);
  }
}
pump();
