//! The generator Sprig's random functions and key generators draw from.
//!
//! By default it is the operating system's CSPRNG (`rand_core::OsRng`), as Go's `crypto/rand`
//! is, so a rendered Secret is as unpredictable as Helm's. An execution whose
//! [`ExecOptions::seed`](crate::ExecOptions::seed) is set draws instead from a ChaCha20 stream
//! keyed by the seed and the executed template's name: the same inputs give the same output
//! byte for byte, whatever thread or order the templates run in. That is for callers that
//! read a render rather than apply it (an image inventory must not change from run to run
//! because a chart names a test Pod `{{ randAlphaNum 5 }}`).
//!
//! The stream is per thread and installed for the duration of one top-level execution; an
//! execution runs on one thread from start to end.

use std::cell::RefCell;

use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, OsRng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};

thread_local! {
    static SEEDED: RefCell<Option<ChaCha20Rng>> = const { RefCell::new(None) };
}

/// The current generator: the seeded stream of the running execution, else the OS's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Source;

impl RngCore for Source {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let seeded = SEEDED.with(|cell| match cell.borrow_mut().as_mut() {
            Some(rng) => {
                rng.fill_bytes(dest);
                true
            }
            None => false,
        });
        if !seeded {
            OsRng.fill_bytes(dest);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        let seeded = SEEDED.with(|cell| match cell.borrow_mut().as_mut() {
            Some(rng) => {
                rng.fill_bytes(dest);
                true
            }
            None => false,
        });
        if seeded {
            Ok(())
        } else {
            OsRng.try_fill_bytes(dest)
        }
    }
}

// The seeded stream is ChaCha20, a CSPRNG; only its key is known to the caller.
impl CryptoRng for Source {}

/// Restores the previous generator when the execution that installed a stream ends.
pub(crate) struct Installed {
    previous: Option<Option<ChaCha20Rng>>,
}

impl Drop for Installed {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            SEEDED.with(|cell| *cell.borrow_mut() = previous);
        }
    }
}

/// Installs the stream for `seed` and template `name` when a seed is given.
pub(crate) fn install(seed: Option<u64>, name: &str) -> Installed {
    let Some(seed) = seed else {
        return Installed { previous: None };
    };
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(name.as_bytes());
    let key: [u8; 32] = hasher.finalize().into();
    let previous = SEEDED.with(|cell| cell.replace(Some(ChaCha20Rng::from_seed(key))));
    Installed {
        previous: Some(previous),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw() -> [u8; 16] {
        let mut b = [0u8; 16];
        Source.fill_bytes(&mut b);
        b
    }

    #[test]
    fn a_seed_and_name_give_one_stream_and_the_os_generator_returns_after() {
        let first = {
            let _s = install(Some(7), "a.yaml");
            draw()
        };
        let again = {
            let _s = install(Some(7), "a.yaml");
            draw()
        };
        let other = {
            let _s = install(Some(7), "b.yaml");
            draw()
        };
        assert_eq!(first, again);
        assert_ne!(first, other);
        assert!(SEEDED.with(|c| c.borrow().is_none()));
        assert_ne!(draw(), draw());
    }
}
