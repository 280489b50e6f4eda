//! Telling, from where the block search found pieces in a line, which literals it holds and
//! where (none: the line holds no literal).
//!
//! A piece stands for the literals that hold it, each at known offsets: comparing those few
//! bytes in place answers for the found piece, far cheaper than running the line through the
//! literal automaton. On the generated build log, 43 % of the lines where a piece occurs hold
//! no literal (`rror` of `mirror`, `llect` of `collection`).
//!
//! The search reports non-overlapping matches, leftmost first, per group of pieces: a piece
//! starting inside a match is not reported. As no piece holds another, such a hidden piece
//! starts after the match does and runs past its end, and the match's own bytes tell which
//! pieces could: those are compared too.

/// For each of `parts`, every place it has in `wholes`: (index of the whole, offset), every
/// occurrence, overlapping ones too (`aa` is at 0 and 1 of `aaa`).
pub(super) fn places<P: AsRef<[u8]>, W: AsRef<[u8]>>(
    parts: &[P],
    wholes: &[W],
) -> Vec<Vec<(u32, u32)>> {
    parts
        .iter()
        .map(|part| {
            let part = part.as_ref();
            wholes
                .iter()
                .enumerate()
                .flat_map(|(w, whole)| {
                    let whole = whole.as_ref();
                    (0..whole.len())
                        .filter(move |&at| whole[at..].starts_with(part))
                        .map(move |at| (w as u32, at as u32))
                })
                .collect()
        })
        .collect()
}

/// A place in an ASCII-lowercased block where piece `piece` was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub at: usize,
    pub piece: u32,
}

/// For each piece, the literals holding it and the pieces its match can hide.
#[derive(Debug, Clone)]
pub(super) struct Confirm {
    literals: Vec<Vec<u8>>,
    /// `holders[p]`: (literal, offset of piece `p` in it), for every occurrence.
    holders: Vec<Vec<(u32, u32)>>,
    pieces: Vec<Vec<u8>>,
    /// `hidden[p]`: (distance, piece) such that the piece, starting that far into a match of
    /// `p`, agrees with `p`'s bytes there.
    hidden: Vec<Vec<(u32, u32)>>,
}

impl Confirm {
    /// `pieces` of `literals` (both lowercase bytes; no piece holds another).
    pub fn new(literals: &[&[u8]], pieces: &[Vec<u8>]) -> Self {
        let holders = places(pieces, literals);
        let hidden = pieces
            .iter()
            .map(|p| {
                (1..p.len())
                    .flat_map(|d| {
                        pieces.iter().enumerate().filter_map(move |(q, piece)| {
                            let n = piece.len().min(p.len() - d);
                            (piece[..n] == p[d..d + n]).then_some((d as u32, q as u32))
                        })
                    })
                    .collect()
            })
            .collect();
        Confirm {
            literals: literals.iter().map(|l| l.to_vec()).collect(),
            holders,
            pieces: pieces.to_vec(),
            hidden,
        }
    }

    /// Every place in `line` (ASCII-lowercased, starting at `start` in its block) where a
    /// literal occurs, given every [`Found`] of the block search in it: into `out` by
    /// position, once each. None: the line holds no literal.
    pub fn occurrences(
        &self,
        line: &[u8],
        start: usize,
        found: &[Found],
        out: &mut Vec<LiteralAt>,
    ) {
        out.clear();
        for piece in found {
            let at = piece.at - start;
            let p = piece.piece as usize;
            self.literals_at(line, at, p, out);
            for &(d, q) in &self.hidden[p] {
                let at = at + d as usize;
                let q = q as usize;
                if line
                    .get(at..)
                    .is_some_and(|rest| rest.starts_with(&self.pieces[q]))
                {
                    self.literals_at(line, at, q, out);
                }
            }
        }
        out.sort_unstable_by_key(|o| (o.at, o.literal));
        out.dedup();
    }

    /// Every literal holding piece `p` found at `at` of `line` that occurs there, into `out`.
    fn literals_at(&self, line: &[u8], at: usize, p: usize, out: &mut Vec<LiteralAt>) {
        for &(l, offset) in &self.holders[p] {
            let Some(from) = at.checked_sub(offset as usize) else {
                continue;
            };
            if line
                .get(from..)
                .is_some_and(|rest| rest.starts_with(&self.literals[l as usize]))
            {
                out.push(LiteralAt {
                    literal: l,
                    at: from as u32,
                });
            }
        }
    }
}

/// A literal (an index into the literals searched) at a byte position of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiteralAt {
    pub literal: u32,
    pub at: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirm(literals: &[&str], pieces: &[&str]) -> Confirm {
        let literals: Vec<&[u8]> = literals.iter().map(|l| l.as_bytes()).collect();
        let pieces: Vec<Vec<u8>> = pieces.iter().map(|p| p.as_bytes().to_vec()).collect();
        Confirm::new(&literals, &pieces)
    }

    fn found(at: usize, piece: u32) -> Found {
        Found { at, piece }
    }

    /// (literal, position) of every literal occurrence confirmed.
    fn literals(c: &Confirm, line: &[u8], start: usize, found: &[Found]) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        c.occurrences(line, start, found, &mut out);
        out.iter().map(|o| (o.literal, o.at)).collect()
    }

    #[test]
    fn a_piece_is_confirmed_by_a_literal_around_it() {
        let c = confirm(&["error", "terror!", "collecting "], &["rror", "llect"]);
        assert_eq!(literals(&c, b"npm error", 0, &[found(5, 0)]), [(0, 4)]);
        assert_eq!(
            literals(&c, b"a terror!", 0, &[found(4, 0)]),
            [(1, 2), (0, 3)]
        );
        assert_eq!(literals(&c, b"the mirror", 0, &[found(6, 0)]), []);
        // The literal must fit in the line, before and after the piece.
        assert_eq!(literals(&c, b"rror x", 0, &[found(0, 0)]), []);
        assert_eq!(literals(&c, b"collection", 0, &[found(2, 1)]), []);
        assert_eq!(literals(&c, b"collecting x", 0, &[found(2, 1)]), [(2, 0)]);
        // Positions are in the block; the line starts at 100.
        assert_eq!(literals(&c, b"an error", 100, &[found(104, 0)]), [(0, 3)]);
    }

    #[test]
    fn a_piece_hidden_by_a_match_is_checked_too() {
        // In `exiterr!`, the search reports `xite` at 1 and resumes at 5, so `err!` at 4 (a
        // piece starting inside the match) is never reported; `terr!` is at 3.
        let c = confirm(&["exited", "terr!"], &["xite", "err!"]);
        assert_eq!(literals(&c, b"exiterr!", 0, &[found(1, 0)]), [(1, 3)]);
        assert_eq!(literals(&c, b"exitedx", 0, &[found(1, 0)]), [(0, 0)]);
        assert_eq!(literals(&c, b"exiterr?", 0, &[found(1, 0)]), []);
        assert_eq!(literals(&c, b"xiteq", 0, &[found(0, 0)]), []);
    }
}
