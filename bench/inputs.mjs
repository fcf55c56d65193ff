// Seeded inputs shared by the analysis benchmarks (hull.bench.mjs, leaders.bench.mjs).
// Flat row-major Float64Arrays, n*d numbers.

/** mulberry32 uniforms in [0,1), seeded (32 random bits). */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** 53-bit uniforms (two draws), so 10^6 circle points are distinct. */
export function rng53(seed) {
  const r = rng(seed);
  return () => (Math.floor(r() * 2 ** 27) * 2 ** 26 + Math.floor(r() * 2 ** 26)) / 2 ** 53;
}

/** n points uniform in [-1,1)^d from the generator `gen` (rng53 or rng). */
export function uniformCloud(seed, n, d, gen = rng53) {
  const r = gen(seed);
  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = 2 * r() - 1;
  return x;
}

/** n standard gaussian points in R^d (Box–Muller, cosine output only). */
export function gaussCloud(seed, n, d) {
  const r = rng53(seed);
  const x = new Float64Array(n * d);
  for (let k = 0; k < x.length; k++) x[k] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return x;
}

/** n points on the unit circle at uniform angles. */
export function circle(seed, n) {
  const r = rng53(seed);
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const th = 2 * Math.PI * r();
    x[2 * i] = Math.cos(th);
    x[2 * i + 1] = Math.sin(th);
  }
  return x;
}

/** n tokens in k tight clusters (noise 1e-9) around uniform centres: a late-time state. */
export function clustered(seed, n, d, k, gen = rng53) {
  const r = gen(seed);
  const centres = uniformCloud(seed + 1, k, d, gen);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * k);
    for (let j = 0; j < d; j++) x[i * d + j] = centres[c * d + j] + 1e-9 * (2 * r() - 1);
  }
  return x;
}
