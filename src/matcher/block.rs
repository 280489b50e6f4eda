//! Searching whole blocks of lines for literals at once, for the report-mode scan.
//!
//! The question per block is only *which lines* may hold a literal, so a literal can be
//! searched by any piece of it: a line holding the literal holds every piece, and one piece
//! can stand for several literals (`sk_live_` and `rk_live_` both hold `k_live_`). Teddy (the
//! SIMD searcher of aho-corasick) costs a pass over the block per group of pieces, and
//! confirms every place where the first bytes of a piece occur: searching `getaddrinfo` whole
//! would confirm every `get` of a log. So the pieces are chosen on a sample of the log itself:
//! few, and rare in it. Which pieces are chosen changes the speed, never the lines found.

use std::collections::HashMap;

use super::buckets;
use super::confirm::{Confirm, Found, LiteralAt};

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Pieces per searcher before a sample is seen: Teddy slows down sharply with more pieces
/// per bucket, and each searcher costs a pass over the block. Measured on a generated 100 MB
/// build log with the built-in set: its ~140 literals whole in groups of 64 took 0.16 s, of
/// 24 0.10 s, of 8 0.15 s. Tuned pieces are packed by [`buckets::pack`] instead.
const GROUP: usize = 16;
/// Longest piece considered.
const PIECE: usize = 6;
/// What one more piece costs, in sample occurrences of a fingerprint per 256 KiB (a pass
/// over the block per 32 pieces at best). With [`LINE_COST`], the best of a grid measured on
/// the generated 1 GB log (60 to 300, 0 to 20; again from 100 to 300, 2 to 10, once the
/// pieces were packed, where all were within 3 %): it takes the fewest pieces that keep
/// most lines without a literal out of the plans.
const PIECE_COST: u64 = 150;
/// What a line where a piece occurs costs, in fingerprint confirmations: it is planned in
/// full, and the engine's scan of a line without a literal is cheap (checking such lines in
/// the planner instead measured slower).
const LINE_COST: u64 = 5;
/// Bytes of a sample counted to choose the pieces.
const SAMPLE: usize = 256 * 1024;

/// Finds, in an ASCII-lowercased block, a position in every line holding some literal, and
/// tells which of those lines do hold one.
#[derive(Debug, Clone)]
pub struct BlockSearcher {
    search: Search,
    /// Per searcher, the piece each of its patterns is.
    ids: Vec<Vec<u32>>,
    confirm: Confirm,
}

/// SIMD where the CPU has it, an automaton elsewhere.
#[derive(Debug, Clone)]
enum Search {
    Packed(Vec<packed::Searcher>),
    Automaton(AhoCorasick),
}

impl BlockSearcher {
    /// Searches for `literals` (lowercase) whole.
    pub fn new(literals: &[String]) -> Self {
        let pieces = minimal_pieces(literals.iter().map(|l| l.as_bytes().to_vec()).collect());
        let all: Vec<usize> = (0..pieces.len()).collect();
        let groups = all.chunks(GROUP).map(<[_]>::to_vec).collect();
        Self::searching(literals, pieces, groups)
    }

    /// Searches for pieces of `literals` (lowercase) chosen on `sample` (ASCII-lowercased
    /// text like the blocks to come): every literal holds one, they are few and rare in the
    /// sample, and they are packed into Teddy's buckets on it.
    pub fn tuned(literals: &[String], sample: &[u8]) -> Self {
        let sample = &sample[..sample.len().min(SAMPLE)];
        let counts = Counts::new(sample);
        let piece_cost = (PIECE_COST * sample.len() as u64 / SAMPLE as u64).max(1);
        let pieces = minimal_pieces(cover(literals, &counts, piece_cost));
        let packing = buckets::pack(&pieces, sample);
        Self::searching(literals, pieces, packing.groups)
    }

    /// One Teddy pass per group (indices into `pieces`), or where the CPU has no Teddy, one
    /// automaton for all the pieces.
    fn searching(literals: &[String], pieces: Vec<Vec<u8>>, groups: Vec<Vec<usize>>) -> Self {
        let packed = groups
            .iter()
            .map(|group| {
                packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(group.iter().map(|&i| &pieces[i]))
                    .build()
            })
            .collect::<Option<Vec<_>>>();
        let (search, ids) = match packed {
            Some(searchers) => {
                let ids = groups
                    .iter()
                    .map(|g| g.iter().map(|&i| i as u32).collect())
                    .collect();
                (Search::Packed(searchers), ids)
            }
            None => {
                let automaton = AhoCorasickBuilder::new()
                    .kind(Some(AhoCorasickKind::DFA))
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(&pieces)
                    .expect("literal automaton builds");
                let ids = vec![(0..pieces.len() as u32).collect()];
                (Search::Automaton(automaton), ids)
            }
        };
        let literals: Vec<&[u8]> = literals.iter().map(|l| l.as_bytes()).collect();
        BlockSearcher {
            search,
            ids,
            confirm: Confirm::new(&literals, &pieces),
        }
    }

    /// Pieces found in `lower`, an ASCII-lowercased block of lines, by ascending position.
    /// Every line holding some literal has at least one in it.
    pub fn find(&self, lower: &[u8], out: &mut Vec<Found>) {
        out.clear();
        match &self.search {
            Search::Packed(searchers) => {
                for (s, ids) in searchers.iter().zip(&self.ids) {
                    out.extend(s.find_iter(lower).map(|m| Found {
                        at: m.start(),
                        piece: ids[m.pattern().as_usize()],
                    }));
                }
                if searchers.len() > 1 {
                    // One sorted run per pass: the stable sort merges runs it finds.
                    out.sort_by_key(|f| f.at);
                }
            }
            Search::Automaton(a) => out.extend(a.find_iter(lower).map(|m| Found {
                at: m.start(),
                piece: self.ids[0][m.pattern().as_usize()],
            })),
        }
    }

    /// Every occurrence of a literal (an index into the literals searched) in `line`
    /// (ASCII-lowercased, starting at `start` in its block), given what
    /// [`BlockSearcher::find`] found in it (positions in the block); positions in the line.
    /// None: the line holds no literal.
    pub fn occurrences(
        &self,
        line: &[u8],
        start: usize,
        found: &[Found],
        out: &mut Vec<LiteralAt>,
    ) {
        self.confirm.occurrences(line, start, found, out)
    }
}

/// The pieces that hold no other piece, sorted, once each: a line holding a piece holds one
/// of them. Pieces are bytes: a piece of a literal with non-ASCII text may end inside a
/// character.
fn minimal_pieces(mut pieces: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    pieces.sort();
    pieces.dedup();
    super::minimal(&pieces).into_iter().cloned().collect()
}

/// A greedy weighted set cover: pieces (4 to [`PIECE`] bytes, or a shorter literal whole, as
/// Teddy is slow on short pieces) such that every literal of `literals` (minimal: none holds
/// another) holds one, each chosen for the most literals still uncovered per cost, the cost
/// being `piece_cost` plus what [`Counts::cost`] says the piece costs on the sample.
fn cover(literals: &[String], counts: &Counts, piece_cost: u64) -> Vec<Vec<u8>> {
    let words = literals.len().div_ceil(64);
    // Every candidate piece, with the set of literals holding it.
    let mut holders: HashMap<&[u8], Vec<u64>> = HashMap::new();
    for (i, literal) in literals.iter().enumerate() {
        let b = literal.as_bytes();
        let shortest = if b.len() >= 4 { 4 } else { b.len() };
        for len in shortest..=PIECE.min(b.len()).max(shortest) {
            for piece in b.windows(len) {
                holders.entry(piece).or_insert_with(|| vec![0; words])[i / 64] |= 1 << (i % 64);
            }
        }
    }
    // Complete: a piece of 4 or more bytes is a window of every literal that holds it, and a
    // shorter one is a whole literal, which no other (minimal) literal holds.
    let candidates: Vec<(&[u8], Vec<u64>, u64)> = holders
        .into_iter()
        .map(|(piece, set)| (piece, set, piece_cost + counts.cost(piece)))
        .collect();
    let mut uncovered = vec![0u64; words];
    for i in 0..literals.len() {
        uncovered[i / 64] |= 1 << (i % 64);
    }
    let mut chosen = Vec::new();
    while uncovered.iter().any(|&w| w != 0) {
        let gain = |set: &[u64]| -> u64 {
            set.iter()
                .zip(&uncovered)
                .map(|(a, b)| u64::from((a & b).count_ones()))
                .sum()
        };
        // Best gain per cost, compared without division; ties to the shorter, then smaller.
        let Some((piece, set, _)) = candidates
            .iter()
            .filter(|(_, set, _)| gain(set) > 0)
            .max_by(|(pa, a, ca), (pb, b, cb)| {
                (u128::from(gain(a)) * u128::from(*cb))
                    .cmp(&(u128::from(gain(b)) * u128::from(*ca)))
                    .then(pb.len().cmp(&pa.len()))
                    .then(pb.cmp(pa))
            })
        else {
            break;
        };
        for (u, s) in uncovered.iter_mut().zip(set) {
            *u &= !s;
        }
        chosen.push(piece.to_vec());
    }
    chosen
}

/// What searching a piece costs on a sample, in Teddy confirmations.
struct Counts {
    trigrams: Grams<3>,
    quadgrams: Grams<4>,
}

impl Counts {
    fn new(sample: &[u8]) -> Self {
        Counts {
            trigrams: Grams::count(sample),
            quadgrams: Grams::count(sample),
        }
    }

    /// Teddy confirms every occurrence of a piece's first three bytes, and every line where
    /// the piece occurs is planned in full, though most hold no literal (`alth` of `healthy`
    /// is in every `GET /health` line).
    fn cost(&self, piece: &[u8]) -> u64 {
        match piece.len() {
            0..=2 => u64::from(u32::MAX),
            3 => u64::from(self.trigrams.get(piece)) * (1 + LINE_COST),
            _ => {
                u64::from(self.trigrams.get(&piece[..3]))
                    + LINE_COST * u64::from(self.quadgrams.bound(piece))
            }
        }
    }
}

/// Approximate counts of every `N`-byte string of a sample (hashed into a fixed table;
/// collisions only make a string look commoner than it is).
struct Grams<const N: usize>(Vec<u32>);

impl<const N: usize> Grams<N> {
    const BITS: u32 = 16;

    fn hash(g: &[u8]) -> usize {
        let h = g[..N]
            .iter()
            .fold(0u32, |h, &b| h << 8 | u32::from(b))
            .wrapping_mul(0x9E37_79B1);
        (h >> (32 - Self::BITS)) as usize
    }

    fn count(sample: &[u8]) -> Self {
        let mut table = vec![0u32; 1 << Self::BITS];
        for g in sample.windows(N) {
            table[Self::hash(g)] += 1;
        }
        Grams(table)
    }

    fn get(&self, g: &[u8]) -> u32 {
        self.0[Self::hash(g)]
    }

    /// At most how often `text` (`N` bytes or more) occurs: its rarest `N`-byte window.
    fn bound(&self, text: &[u8]) -> u32 {
        text.windows(N).map(|g| self.get(g)).min().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_found(searcher: &BlockSearcher, block: &str) -> Vec<usize> {
        let mut found = Vec::new();
        searcher.find(block.as_bytes(), &mut found);
        let mut lines: Vec<usize> = found
            .iter()
            .map(|f| {
                block.as_bytes()[..f.at]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
            })
            .collect();
        lines.dedup();
        lines
    }

    #[test]
    fn pieces_are_few_and_rare() {
        let literals: Vec<String> = ["getaddrinfo", "sk_live_", "rk_live_", "exit", "eyj"]
            .map(String::from)
            .to_vec();
        let sample = b"get /health 200\nget /api 200\nexit 0\n".repeat(50);
        let counts = Counts::new(&sample);
        let mut pieces: Vec<String> = cover(&literals, &counts, 60)
            .into_iter()
            .map(|p| String::from_utf8(p).expect("ASCII literals, ASCII pieces"))
            .collect();
        pieces.sort();
        // One piece for both keys, none starting with the common `get`, short literals whole.
        assert_eq!(pieces.len(), 4, "{pieces:?}");
        assert!(
            pieces
                .iter()
                .any(|p| "sk_live_".contains(p.as_str()) && "rk_live_".contains(p.as_str())),
            "{pieces:?}"
        );
        assert!(pieces.iter().all(|p| !p.starts_with("get")), "{pieces:?}");
        assert!(pieces.contains(&"exit".to_string()) && pieces.contains(&"eyj".to_string()));
        for literal in &literals {
            assert!(
                pieces.iter().any(|p| literal.contains(p.as_str())),
                "{literal}"
            );
        }
    }

    #[test]
    fn pieces_of_non_ascii_literals_are_found() {
        // The rarest trigrams start inside the accented and CJK characters.
        let literals: Vec<String> = ["naïve façade", "ビルドに失敗"].map(String::from).to_vec();
        let sample = "na\u{ef}ve fa\u{e7}ade ".repeat(3) + &"abc def ".repeat(200);
        let block = "x\nthe naïve façade cracked\n\u{30d3}\u{30eb}\u{30c9}に失敗しました\nok\n";
        let tuned = BlockSearcher::tuned(&literals, sample.as_bytes());
        assert_eq!(lines_found(&tuned, block), [1, 2]);
    }

    #[test]
    fn tuned_or_not_the_same_lines_are_found() {
        let literals: Vec<String> = [
            "getaddrinfo",
            "compiled against a different node",
            "exit",
            "err!",
        ]
        .map(String::from)
        .to_vec();
        let block = "get /health 200\nnpm err! code 1\nok\ngetaddrinfo enotfound db\nwas compiled against a different node.js version\nprocess exit 1\nfine\n";
        let sample = block.repeat(20);
        let plain = BlockSearcher::new(&literals);
        let tuned = BlockSearcher::tuned(&literals, sample.as_bytes());
        assert_eq!(lines_found(&plain, block), [1, 3, 4, 5]);
        assert_eq!(lines_found(&tuned, block), [1, 3, 4, 5]);
    }

    /// (line, literal, position in the line) of every literal the searcher confirms.
    fn confirmed(searcher: &BlockSearcher, block: &[u8]) -> Vec<(usize, u32, u32)> {
        let mut found = Vec::new();
        searcher.find(block, &mut found);
        let mut all = Vec::new();
        let mut literals = Vec::new();
        let mut start = 0;
        for (n, line) in block.split(|&b| b == b'\n').enumerate() {
            let end = start + line.len();
            let here: Vec<Found> = found
                .iter()
                .copied()
                .filter(|f| f.at >= start && f.at < end)
                .collect();
            searcher.occurrences(line, start, &here, &mut literals);
            all.extend(literals.iter().map(|o| (n, o.literal, o.at)));
            start = end + 1;
        }
        all
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Over a tiny alphabet, literals and pieces overlap in every way: every occurrence of
        /// every literal is confirmed, and nothing else, tuned or not.
        #[test]
        fn every_literal_occurrence_is_confirmed(
            literals in proptest::collection::vec("[aber!]{1,7}", 1..12),
            lines in proptest::collection::vec("[aber! ]{0,40}", 1..40),
        ) {
            let minimal: Vec<String> = super::super::minimal(&literals).into_iter().cloned().collect();
            let block = lines.join("\n");
            let mut want = Vec::new();
            for (n, line) in lines.iter().enumerate() {
                for at in 0..line.len() {
                    for (l, literal) in minimal.iter().enumerate() {
                        if line[at..].starts_with(literal.as_str()) {
                            want.push((n, l as u32, at as u32));
                        }
                    }
                }
            }
            let plain = BlockSearcher::new(&minimal);
            proptest::prop_assert_eq!(confirmed(&plain, block.as_bytes()), want.clone());
            let tuned = BlockSearcher::tuned(&minimal, block.repeat(3).as_bytes());
            proptest::prop_assert_eq!(confirmed(&tuned, block.as_bytes()), want);
        }
    }
}
