//! A small deterministic generator for jitter: seeded by the app, no OS entropy.

/// xorshift64* — enough to spread reconnecting clients apart, and reproducible
/// in tests. Not for anything secret.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; zero is remapped).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        // SplitMix64 step so that nearby seeds diverge at once.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A float uniformly in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        // 53 random bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn unit_is_in_range_and_seeds_differ() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(2);
        let mut same = 0;
        for _ in 0..1000 {
            let (x, y) = (a.next_unit(), b.next_unit());
            assert!((0.0..1.0).contains(&x));
            if x == y {
                same += 1;
            }
        }
        assert!(same < 5);
        assert_eq!(Rng::new(7).next_u64(), Rng::new(7).next_u64());
    }
}
