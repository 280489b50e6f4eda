//! Packing pieces into the buckets of Teddy, aho-corasick's SIMD searcher, on a sample.
//!
//! Teddy tests every position of a block against eight buckets at once. A bucket fires where
//! each of the next four bytes has a low and a high nibble that some piece of the bucket has
//! at that offset; its pieces are then compared one by one. So a pass over the block costs
//! the same for 8 pieces as for 40, but a bucket of pieces that share nothing fires on many
//! mixtures of them (`ghp_` with `err!` also fires on `grr!` and `ehp_`), and each firing
//! costs a comparison per piece in the bucket. The pieces are put, the commonest first, in
//! the bucket where they add the fewest firings on the sample, for one number of passes after
//! another; the number with the lowest estimated cost wins. On the generated 1 GB build log
//! this takes the search from six passes to three and from 0.55 s to 0.30 s.
//!
//! aho-corasick (1.1) puts a pattern in the bucket of an earlier pattern with the same low
//! nibbles, and else in bucket `7 - id % 8`: [`Packing::groups`] lists the pieces in an order
//! that gives each the bucket chosen for it. Were the rule to change, the search would find
//! the same lines, only slower.

/// Teddy's buckets per pass ("slim" Teddy: the fastest per byte).
const BUCKETS: usize = 8;
/// Most pieces per bucket: aho-corasick picks slim Teddy for up to 32 patterns.
const DEPTH: usize = 4;
/// Bytes of a piece Teddy fingerprints.
const FINGERPRINT: usize = 4;
/// What a pass over the sample costs, in firings times pieces compared: measured on the 1 GB
/// build log, a pass over 256 KiB takes as long as ~4 000 comparisons.
const PASS_COST: u64 = 4000;
/// Most passes tried.
const MAX_PASSES: usize = 8;

/// Pieces in groups, one group per pass, each ordered for aho-corasick's bucket rule.
#[derive(Debug)]
pub(super) struct Packing {
    /// Indices into the pieces packed.
    pub groups: Vec<Vec<usize>>,
    /// Estimated cost on the sample, in comparisons (passes counted as [`PASS_COST`]).
    pub cost: u64,
}

/// Packs `pieces` (none empty) into passes of [`BUCKETS`] buckets for text like `sample`.
pub(super) fn pack(pieces: &[Vec<u8>], sample: &[u8]) -> Packing {
    let width = pieces
        .iter()
        .map(Vec::len)
        .min()
        .unwrap_or(FINGERPRINT)
        .clamp(1, FINGERPRINT);
    let grams = Grams::new(sample, width);
    // The commonest pieces first: they are the hardest to place well.
    let mut order: Vec<(u64, usize)> = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| (grams.count_of(&p[..width]), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // More passes, until one more costs more than it saves. The fewest always hold them all.
    let least = pieces.len().div_ceil(BUCKETS * DEPTH).max(1);
    let mut best: Option<Packing> = None;
    for passes in least..=MAX_PASSES.max(least) {
        match (place(pieces, &order, &grams, passes), &best) {
            (Some(more), Some(fewer)) if more.cost >= fewer.cost => break,
            (Some(more), _) => best = Some(more),
            (None, _) => {}
        }
    }
    best.unwrap_or(Packing {
        groups: Vec::new(),
        cost: 0,
    })
}

/// Greedy placement of `order` (count, piece index) in `passes` passes, if they hold it.
fn place(
    pieces: &[Vec<u8>],
    order: &[(u64, usize)],
    grams: &Grams,
    passes: usize,
) -> Option<Packing> {
    let mut buckets: Vec<Bucket> = (0..passes * BUCKETS).map(|_| Bucket::new(grams)).collect();
    let mut on = Vec::new();
    for &(own, i) in order {
        let nibbles = grams.nibbles(&pieces[i]);
        // (firings added, bucket); ties to the first bucket, so pieces that add none gather
        // and leave the other buckets to pieces that would.
        let mut best: Option<(u64, usize)> = None;
        for (b, bucket) in buckets.iter().enumerate() {
            if bucket.pieces.len() == DEPTH {
                continue;
            }
            let added = if bucket.pieces.is_empty() {
                own
            } else {
                grams.fired(&bucket.masks, &nibbles, &mut on) - bucket.fired
            };
            if best.is_none_or(|(least, _)| added < least) {
                best = Some((added, b));
                if added == 0 {
                    break;
                }
            }
        }
        let (_, b) = best?;
        buckets[b].add(grams, &nibbles, i, &mut on);
    }
    let used = buckets
        .chunks(BUCKETS)
        .filter(|pass| pass.iter().any(|b| !b.pieces.is_empty()))
        .count() as u64;
    let cost = used * PASS_COST
        + buckets
            .iter()
            .map(|b| b.fired * b.pieces.len() as u64)
            .sum::<u64>();
    let groups = buckets.chunks(BUCKETS).filter_map(layout).collect();
    Some(Packing { groups, cost })
}

/// The pieces of one pass in pattern order: the `k`th piece of the `s`th bucket holding any
/// at `8k + s`, so aho-corasick puts it in its bucket `7 - s`. A hole is filled with a copy
/// of a piece listed before it, which joins the bucket of its original.
fn layout(pass: &[Bucket]) -> Option<Vec<usize>> {
    let held: Vec<&[usize]> = pass
        .iter()
        .map(|b| b.pieces.as_slice())
        .filter(|p| !p.is_empty())
        .collect();
    let first = *held.first()?.first()?;
    let depth = held.iter().map(|p| p.len()).max().unwrap_or(0);
    let mut group = Vec::with_capacity(depth * BUCKETS);
    for k in 0..depth {
        for slot in 0..BUCKETS {
            let i = match held.get(slot) {
                Some(bucket) => bucket.get(k).unwrap_or(&bucket[0]),
                None => &first,
            };
            group.push(*i);
        }
    }
    Some(group)
}

/// A bucket being filled: for each nibble of the fingerprint, the grams whose nibble there
/// is one the bucket allows.
struct Bucket {
    masks: Vec<Vec<u64>>,
    allowed: [u16; 2 * FINGERPRINT],
    pieces: Vec<usize>,
    /// Weighted count of the sample's grams the bucket fires on.
    fired: u64,
}

impl Bucket {
    fn new(grams: &Grams) -> Self {
        Bucket {
            masks: vec![vec![0; grams.words]; 2 * grams.width],
            allowed: [0; 2 * FINGERPRINT],
            pieces: Vec::new(),
            fired: 0,
        }
    }

    fn add(&mut self, grams: &Grams, nibbles: &[usize], piece: usize, on: &mut Vec<u64>) {
        for (k, &v) in nibbles.iter().enumerate() {
            if self.allowed[k] & (1 << v) == 0 {
                self.allowed[k] |= 1 << v;
                for (m, s) in self.masks[k].iter_mut().zip(&grams.sets[k][v]) {
                    *m |= s;
                }
            }
        }
        self.pieces.push(piece);
        self.fired = grams.fired(&self.masks, &[], on);
    }
}

/// The distinct `width`-byte strings of a sample, as bit sets: for each nibble position and
/// value, which grams have it; and their counts, bit-sliced.
struct Grams {
    width: usize,
    /// Every distinct gram with its count.
    counts: Vec<(u32, u32)>,
    words: usize,
    /// `sets[k][v]`: the grams whose `k`th nibble (low, high, low, … of bytes 0, 0, 1, …) is `v`.
    sets: Vec<Vec<Vec<u64>>>,
    /// `weights[b]`: the grams whose count has bit `b` set.
    weights: Vec<Vec<u64>>,
}

impl Grams {
    fn new(sample: &[u8], width: usize) -> Self {
        let key = |g: &[u8]| g.iter().fold(0u32, |k, &b| k << 8 | u32::from(b));
        let mut all: Vec<u32> = sample.windows(width).map(key).collect();
        all.sort_unstable();
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for g in all {
            match counts.last_mut() {
                Some((last, n)) if *last == g => *n += 1,
                _ => counts.push((g, 1)),
            }
        }
        let words = counts.len().div_ceil(64).max(1);
        let mut sets = vec![vec![vec![0u64; words]; 16]; 2 * width];
        let top = counts.iter().map(|&(_, n)| n).max().unwrap_or(0);
        let mut weights = vec![vec![0u64; words]; (32 - top.leading_zeros()) as usize];
        for (i, &(g, n)) in counts.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            for (k, set) in sets.iter_mut().enumerate() {
                set[nibble(g, width, k)][i / 64] |= bit;
            }
            for (b, w) in weights.iter_mut().enumerate() {
                if n >> b & 1 == 1 {
                    w[i / 64] |= bit;
                }
            }
        }
        Grams {
            width,
            counts,
            words,
            sets,
            weights,
        }
    }

    /// The nibble values of a piece's fingerprint.
    fn nibbles(&self, piece: &[u8]) -> Vec<usize> {
        let g = piece[..self.width]
            .iter()
            .fold(0u32, |k, &b| k << 8 | u32::from(b));
        (0..2 * self.width)
            .map(|k| nibble(g, self.width, k))
            .collect()
    }

    /// How often the gram `g` occurs in the sample.
    fn count_of(&self, g: &[u8]) -> u64 {
        let key = g.iter().fold(0u32, |k, &b| k << 8 | u32::from(b));
        self.counts
            .binary_search_by_key(&key, |&(g, _)| g)
            .map_or(0, |i| u64::from(self.counts[i].1))
    }

    /// Weighted count of the grams a bucket with `masks`, plus a piece with `nibbles` (none:
    /// no piece), fires on. `on` is scratch space.
    fn fired(&self, masks: &[Vec<u64>], nibbles: &[usize], on: &mut Vec<u64>) -> u64 {
        on.clear();
        on.resize(self.words, !0);
        // Word by word, one nibble after another: a form the compiler vectorises.
        for (k, mask) in masks.iter().enumerate() {
            match nibbles.get(k) {
                Some(&v) => {
                    for ((o, m), s) in on.iter_mut().zip(mask).zip(&self.sets[k][v]) {
                        *o &= m | s;
                    }
                }
                None => {
                    for (o, m) in on.iter_mut().zip(mask) {
                        *o &= m;
                    }
                }
            }
        }
        // Most words fire on no gram at all.
        on.iter()
            .enumerate()
            .filter(|&(_, &o)| o != 0)
            .map(|(w, &o)| {
                self.weights
                    .iter()
                    .enumerate()
                    .map(|(b, weight)| u64::from((o & weight[w]).count_ones()) << b)
                    .sum::<u64>()
            })
            .sum()
    }
}

/// Nibble `k` of a `width`-byte gram `g` (first byte most significant): the low nibble of
/// byte `k / 2` for even `k`, its high nibble for odd.
fn nibble(g: u32, width: usize, k: usize) -> usize {
    let byte = (g >> (8 * (width - 1 - k / 2))) & 0xff;
    (if k % 2 == 0 { byte & 15 } else { byte >> 4 }) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_is_placed() {
        let pieces: Vec<Vec<u8>> = [
            "ghp_", "ghs_", "gho_", "err!", "exit", "fatal", "panic", "enoent", "sk_li",
        ]
        .map(|p| p.as_bytes().to_vec())
        .to_vec();
        let sample = b"error: exit 1\nghp_ token\nall fine here\n".repeat(100);
        let packing = pack(&pieces, &sample);
        for i in 0..pieces.len() {
            assert!(packing.groups.iter().flatten().any(|&j| j == i), "{i}");
        }
        for group in &packing.groups {
            assert_eq!(group.len() % BUCKETS, 0);
        }
    }

    #[test]
    fn pieces_that_share_nibbles_share_a_bucket() {
        // `ghp_` and `ghs_` together fire on nothing else; with `err!` their bucket would also
        // fire on the sample's `ghr!`.
        let pieces: Vec<Vec<u8>> = ["ghp_", "ghs_", "err!"]
            .map(|p| p.as_bytes().to_vec())
            .to_vec();
        let sample = b"ghr! plain text\n".repeat(100);
        let packing = pack(&pieces, &sample);
        assert_eq!(packing.groups.len(), 1);
        // aho-corasick's rule: a pattern first listed at `i` goes to bucket `7 - i % 8`.
        let bucket = |piece: usize| {
            let i = packing.groups[0].iter().position(|&j| j == piece);
            i.map(|i| 7 - i % BUCKETS)
        };
        assert_eq!(bucket(0), bucket(1));
        assert_ne!(bucket(0), bucket(2));
        assert!(bucket(2).is_some());
    }

    #[test]
    fn counts_are_exact() {
        let grams = Grams::new(b"abcdabcdxbcd", 4);
        assert_eq!(grams.count_of(b"abcd"), 2);
        assert_eq!(grams.count_of(b"xbcd"), 1);
        assert_eq!(grams.count_of(b"zzzz"), 0);
        // A bucket holding `abcd` alone fires on its two occurrences.
        let mut on = Vec::new();
        let mut bucket = Bucket::new(&grams);
        bucket.add(&grams, &grams.nibbles(b"abcd"), 0, &mut on);
        assert_eq!(bucket.fired, 2);
        // With `xbcd` too: on both.
        let with = grams.fired(&bucket.masks, &grams.nibbles(b"xbcd"), &mut on);
        assert_eq!(with, 3);
    }
}
