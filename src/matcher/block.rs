//! Searching whole blocks of lines for literals at once, for the report-mode scan.
//!
//! The question per block is only *which lines* may hold a literal, so each literal can be
//! searched by any piece of it: a line holding the literal holds every piece. Teddy (the SIMD
//! searcher of aho-corasick) looks at the first bytes of what it searches for, and confirms
//! every place where those bytes occur; `getaddrinfo` or `compiled against a different node`
//! would send it confirming every `get` and `com` of a log. So each literal is searched by
//! the piece (`ddrinf`, `agains`) whose first three bytes are rarest in a sample of the log
//! itself; which pieces are chosen changes the speed, never the lines found.

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Literals per searcher: Teddy slows down sharply with more literals per bucket, and each
/// searcher costs a pass over the block. Measured on a generated 100 MB build log with the
/// built-in set (~140 literals): groups of 64 ran at 0.65 GB/s, of 24 at 1.1 GB/s, of 8 at
/// 0.7 GB/s.
const GROUP: usize = 24;
/// Longest piece searched for a literal.
const PIECE: usize = 6;
/// Bytes of a sample counted to choose the pieces.
const SAMPLE: usize = 256 * 1024;

/// Finds, in an ASCII-lowercased block, a position in every line holding some literal.
#[derive(Debug, Clone)]
pub struct BlockSearcher {
    search: Search,
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
        Self::for_pieces(literals.to_vec())
    }

    /// Searches for a piece of each of `literals` (lowercase), chosen to be rare in `sample`
    /// (ASCII-lowercased text like the blocks to come).
    pub fn tuned(literals: &[String], sample: &[u8]) -> Self {
        let counts = Trigrams::count(&sample[..sample.len().min(SAMPLE)]);
        let pieces = literals
            .iter()
            .map(|l| rare_piece(l.as_bytes(), &counts))
            // Pieces are ASCII windows of the literal or all of it: still UTF-8.
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        Self::for_pieces(pieces)
    }

    fn for_pieces(mut pieces: Vec<String>) -> Self {
        pieces.sort();
        pieces.dedup();
        // A line holding a piece that contains another holds that one too.
        let minimal: Vec<&String> = pieces
            .iter()
            .filter(|p| !pieces.iter().any(|o| o != *p && p.contains(o.as_str())))
            .collect();
        let search = minimal
            .chunks(GROUP)
            .map(|group| {
                packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(group)
                    .build()
            })
            .collect::<Option<Vec<_>>>()
            .map(Search::Packed)
            .unwrap_or_else(|| {
                Search::Automaton(
                    AhoCorasickBuilder::new()
                        .kind(Some(AhoCorasickKind::DFA))
                        .match_kind(MatchKind::LeftmostFirst)
                        .build(&minimal)
                        .expect("literal automaton builds"),
                )
            });
        BlockSearcher { search }
    }

    /// Start offsets of pieces found in `lower`, an ASCII-lowercased block of lines, in
    /// ascending order. Every line holding some literal has at least one start in it.
    pub fn starts(&self, lower: &[u8], out: &mut Vec<usize>) {
        out.clear();
        match &self.search {
            Search::Packed(searchers) => {
                for s in searchers {
                    out.extend(s.find_iter(lower).map(|m| m.start()));
                }
                if searchers.len() > 1 {
                    out.sort_unstable();
                }
            }
            Search::Automaton(a) => out.extend(a.find_iter(lower).map(|m| m.start())),
        }
    }
}

/// The piece of `literal` searched for: at most [`PIECE`] bytes starting at its rarest
/// trigram, and at least four bytes (Teddy is slow on shorter ones) when the literal has them.
fn rare_piece<'a>(literal: &'a [u8], counts: &Trigrams) -> &'a [u8] {
    if literal.len() <= 4 {
        return literal;
    }
    let start = (0..=literal.len() - 3)
        .min_by_key(|&i| counts.get(&literal[i..i + 3]))
        .unwrap_or(0);
    let end = (start + PIECE).min(literal.len());
    &literal[start.min(end.saturating_sub(4))..end]
}

/// Approximate trigram counts (hashed into a fixed table; collisions only make a trigram
/// look commoner than it is).
struct Trigrams(Vec<u32>);

impl Trigrams {
    const BITS: u32 = 16;

    fn hash(t: &[u8]) -> usize {
        let h = (u32::from(t[0]) << 16 | u32::from(t[1]) << 8 | u32::from(t[2]))
            .wrapping_mul(0x9E37_79B1);
        (h >> (32 - Self::BITS)) as usize
    }

    fn count(sample: &[u8]) -> Self {
        let mut table = vec![0u32; 1 << Self::BITS];
        for t in sample.windows(3) {
            table[Self::hash(t)] += 1;
        }
        Trigrams(table)
    }

    fn get(&self, t: &[u8]) -> u32 {
        self.0[Self::hash(t)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_found(searcher: &BlockSearcher, block: &str) -> Vec<usize> {
        let mut starts = Vec::new();
        searcher.starts(block.as_bytes(), &mut starts);
        let mut lines: Vec<usize> = starts
            .iter()
            .map(|&s| block[..s].matches('\n').count())
            .collect();
        lines.dedup();
        lines
    }

    #[test]
    fn pieces_start_at_the_rarest_trigram() {
        let sample = b"get /health 200\nget /api 200\ncompiled ok\ncompiled ok\n".repeat(50);
        let counts = Trigrams::count(&sample);
        let piece = rare_piece(b"getaddrinfo", &counts);
        assert!(!piece.starts_with(b"get") && piece.len() == 6, "{piece:?}");
        assert_eq!(rare_piece(b"exit", &counts), b"exit");
        // Near the end, the piece still has four bytes.
        assert_eq!(rare_piece(b"compiled againsz", &counts).len(), 6);
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
}
