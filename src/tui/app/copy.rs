//! What `y` and `Y` copy: the selected finding's snippet (or fix), or the whole diagnosis as
//! Markdown; masked like everything shown.

use super::{App, Effect, Item};
use crate::report::{self, Format, ReportInput};
use crate::scan::Scan;

impl App {
    pub(super) fn copy_fix(&mut self) -> Option<Effect> {
        let (text, what) = match self.selected_item() {
            Some(Item::Finding(f)) => {
                let sig = self.set.signatures().get(f.signature)?;
                match f.snippet(sig) {
                    Some(snippet) if !snippet.trim().is_empty() => (snippet, "fix snippet"),
                    _ => (f.fix(sig), "fix"),
                }
            }
            Some(Item::Unrecognized(u)) => (u.text.clone(), "unrecognised line"),
            None => {
                self.set_message("nothing to copy yet: no finding", true);
                return None;
            }
        };
        let text = self.mask(text.trim_matches('\n')).into_owned();
        Some(Effect::Copy { text, what })
    }

    pub(super) fn copy_diagnosis(&mut self) -> Option<Effect> {
        if self.item_count() == 0 {
            self.set_message("nothing to copy yet: no finding", true);
            return None;
        }
        Some(Effect::Copy {
            text: self.markdown(),
            what: "diagnosis",
        })
    }

    /// The whole diagnosis as Markdown (the report's Markdown format), masked.
    pub fn markdown(&self) -> String {
        let scan = Scan {
            source: self.name.clone(),
            diagnosis: self.diagnosis.clone(),
            bytes: self.store.input_bytes(),
            binary: false,
            truncated_lines: 0,
        };
        let mut out = Vec::new();
        let input = ReportInput {
            scan: &scan,
            set: &self.set,
        };
        if report::write(
            Format::Markdown,
            &[input],
            report::Style { color: false },
            &mut out,
        )
        .is_err()
        {
            return String::new();
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        self.mask(&text).into_owned()
    }
}
