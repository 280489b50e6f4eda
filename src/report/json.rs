//! JSON report: one pretty-printed object per input (a stream `jq` reads as is).

use std::io::{self, Write};

use super::ReportDto;

pub(super) fn write(dto: &ReportDto, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, dto)?;
    writeln!(out)
}
