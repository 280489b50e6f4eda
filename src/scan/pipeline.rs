//! The scan on several threads: one reads (and decompresses) blocks, several plan them, and
//! the calling thread applies the plans to the engine in input order.
//!
//! A fixed set of jobs (a block's bytes and its plan) circulates reader → planners → caller →
//! reader, so memory stays bounded whatever the input size, and a slow stage only makes the
//! others wait. A planner that panics hands its panic to the caller, which re-raises it once
//! the other threads have stopped.

use std::io::{self, Read};
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

use super::plan::{Plan, Planner};
use super::Totals;
use crate::diagnosis::Engine;
use crate::source::LineReader;

/// Most jobs in flight, whatever the number of planners (memory: about 1.3 MB each: the
/// buffer a block was read into, and its plan).
const MAX_JOBS: usize = 10;

/// One block on its way through the pipeline.
#[derive(Default)]
struct Job {
    /// Position of the block in the input.
    seq: u64,
    /// The block is `data[block]` (the reader's buffer it was read into).
    data: Vec<u8>,
    block: Range<usize>,
    /// Bytes cut off the block's one over-long line (see [`crate::source::RawLine`]).
    cut: u64,
    /// Input bytes the block stands for, as [`Totals`] counted them.
    bytes: u64,
    plan: Plan,
}

/// Reads `lines` to its end with `planners` planning threads, applying every block to
/// `engine` in order; `applied(bytes, truncated lines)` after each block. Returns what the reader counted, and
/// the read error that ended the input early, if one did.
pub(super) fn run<R: Read + Send>(
    mut lines: LineReader<R>,
    engine: &mut Engine,
    planners: usize,
    max_line: usize,
    applied: impl FnMut(u64, u64),
) -> (Totals, Option<io::Error>) {
    // Two jobs per planner (one planned, one waiting), one being read, one being applied:
    // every thread kept busy, and memory (a block and its plan per job) bounded.
    let jobs = (planners * 2 + 2).min(MAX_JOBS);
    let (free_tx, free_rx) = mpsc::sync_channel::<Job>(jobs);
    for _ in 0..jobs {
        free_tx.send(Job::default()).expect("room for every job");
    }
    let (work_tx, work_rx) = mpsc::sync_channel::<Job>(jobs);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::sync_channel::<thread::Result<Job>>(jobs);
    thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut totals = Totals::default();
            let mut seq = 0;
            // Ends when the input does, or when the caller stopped taking blocks.
            while let Ok(mut job) = free_rx.recv() {
                // The job's buffer becomes the reader's, and the block's buffer the job's.
                match lines.next_block_owned(std::mem::take(&mut job.data)) {
                    Ok(Some(block)) => {
                        let before = totals.bytes;
                        totals.count(&block.data[block.range.clone()], block.cut);
                        job.bytes = totals.bytes - before;
                        job.seq = seq;
                        job.cut = block.cut;
                        job.data = block.data;
                        job.block = block.range;
                        seq += 1;
                        if work_tx.send(job).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return (totals, Some(e)),
                }
            }
            (totals, None)
        });
        for _ in 0..planners {
            let work = Arc::clone(&work_rx);
            let done = done_tx.clone();
            let planner = Planner::new(Arc::clone(engine.matcher()));
            scope.spawn(move || plan_jobs(planner, &work, &done, max_line));
        }
        drop(done_tx);
        // By value: should it panic, the channels close and the other threads end.
        apply_in_order(done_rx, free_tx, jobs, engine, applied);
        reader.join().unwrap_or_else(|p| panic::resume_unwind(p))
    })
}

/// A planning thread: takes jobs until there are no more, plans each.
fn plan_jobs(
    mut planner: Planner,
    work: &Mutex<Receiver<Job>>,
    done: &SyncSender<thread::Result<Job>>,
    max_line: usize,
) {
    loop {
        let next = match work.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(mut job) = next else { return };
        let planned = panic::catch_unwind(AssertUnwindSafe(|| {
            let block = &job.data[job.block.clone()];
            if job.cut > 0 {
                planner.plan_cut(block, &mut job.plan);
            } else {
                planner.plan(block, max_line, &mut job.plan);
            }
            job
        }));
        let failed = planned.is_err();
        if done.send(planned).is_err() || failed {
            return;
        }
    }
}

/// Applies planned jobs to `engine` in input order, handing each back to the reader.
fn apply_in_order(
    done: Receiver<thread::Result<Job>>,
    free: SyncSender<Job>,
    jobs: usize,
    engine: &mut Engine,
    mut applied: impl FnMut(u64, u64),
) {
    // At most `jobs` jobs exist, so those waiting have distinct `seq % jobs`.
    let mut waiting: Vec<Option<Job>> = (0..jobs).map(|_| None).collect();
    let slot = |seq: u64| (seq % jobs as u64) as usize;
    let mut next = 0u64;
    while let Ok(planned) = done.recv() {
        let job = planned.unwrap_or_else(|p| panic::resume_unwind(p));
        let at = slot(job.seq);
        waiting[at] = Some(job);
        while let Some(job) = waiting[slot(next)].take_if(|j| j.seq == next) {
            job.plan.apply(engine);
            applied(job.bytes, job.plan.truncated);
            next += 1;
            // The reader may be done already; the job is then simply dropped.
            let _ = free.send(job);
        }
    }
}
