//! SplitMix64, bit-identical to ts/prng.ts: the Markov-chain model draws one
//! uniform per token per step (step-major, token-minor) from it.

/// The SplitMix64 generator (Steele, Lea, Flood 2014). Not cryptographic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitMix64 {
    pub state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Skip `k` outputs in O(1): the state advances by a constant per output,
    /// so `jump(k)` then `next_u64()` gives output number k+1 of the stream.
    /// Token i of a Markov step draws output i+1 after the step's start state,
    /// whichever thread computes it.
    pub fn jump(&mut self, k: u64) {
        self.state = self.state.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }

    /// A uniform in [0, 1): the top 53 bits of the next output times 2^-53.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}
