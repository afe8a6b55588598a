//! Interleaved timing: every contender of a group in short alternating
//! batches.
//!
//! On a shared machine the load drifts over the seconds criterion spends
//! on each contender in turn, and medians measured one after the other
//! drift with it: two runs of the same code can differ by 20%. Batches of
//! a few dozen microseconds, taken in turn (who goes first rotating each
//! round), expose every contender to the same load, so their ratios hold
//! even when the absolute times do not.

use std::time::{Duration, Instant};

/// A named routine to time.
pub struct Contender<'a> {
    /// The name in the table.
    pub name: &'static str,
    /// One call of the routine.
    pub run: Box<dyn FnMut() + 'a>,
}

impl<'a> Contender<'a> {
    /// A contender running `run`.
    pub fn new(name: &'static str, run: impl FnMut() + 'a) -> Contender<'a> {
        Contender {
            name,
            run: Box::new(run),
        }
    }
}

/// One contender's times per call, over all rounds.
#[derive(Clone, Debug)]
pub struct Timing {
    /// The contender's name.
    pub name: &'static str,
    /// The median batch, per call, in nanoseconds.
    pub median_ns: f64,
    /// The fastest batch, per call, in nanoseconds.
    pub min_ns: f64,
}

/// How long one batch of one contender runs, about.
const BATCH: Duration = Duration::from_micros(50);

/// Times `contenders` in turn for about `budget` in all, at least 30
/// rounds.
pub fn race(contenders: &mut [Contender<'_>], budget: Duration) -> Vec<Timing> {
    // Calibrate: calls per batch so that a batch takes about `BATCH`.
    let batches: Vec<u32> = contenders
        .iter_mut()
        .map(|contender| {
            (contender.run)();
            let start = Instant::now();
            (contender.run)();
            let once = start.elapsed().max(Duration::from_nanos(1));
            u32::try_from(BATCH.as_nanos() / once.as_nanos()).map_or(u32::MAX, |n| n.max(1))
        })
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let started = Instant::now();
    let count = contenders.len();
    let mut round = 0;
    while round < 30 || started.elapsed() < budget {
        for turn in 0..count {
            let index = (round + turn) % count;
            let run = &mut contenders[index].run;
            let start = Instant::now();
            for _ in 0..batches[index] {
                run();
            }
            times[index].push(start.elapsed().as_nanos() as f64 / f64::from(batches[index]));
        }
        round += 1;
    }
    contenders
        .iter()
        .zip(times)
        .map(|(contender, mut times)| {
            times.sort_by(f64::total_cmp);
            Timing {
                name: contender.name,
                median_ns: times[times.len() / 2],
                min_ns: times[0],
            }
        })
        .collect()
}
