//! Plain-text terminal tables that line up Chinese text.
//!
//! Column widths count display columns, not bytes or chars: East Asian Wide (W) and
//! Fullwidth (F) characters take two columns (Unicode Standard Annex #11, "East Asian
//! Width"), combining marks and zero-width characters none, everything else one. Ambiguous
//! characters (A), e.g. arrows, count as one column, as in a non-CJK locale.

/// Display width of one character in a terminal (UAX #11; W and F = 2).
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if u == 0 {
        return 0;
    }
    // C0/C1 controls, combining diacritics, zero-width space/joiners, variation selectors.
    if u < 0x20
        || (0x7f..0xa0).contains(&u)
        || (0x0300..=0x036f).contains(&u)
        || (0x200b..=0x200f).contains(&u)
        || (0xfe00..=0xfe0f).contains(&u)
    {
        return 0;
    }
    let wide = matches!(u,
        0x1100..=0x115f      // Hangul Jamo initials
        | 0x2e80..=0x303e    // CJK radicals, Kangxi, CJK symbols and punctuation
        | 0x3041..=0x33ff    // Hiragana, Katakana, Bopomofo, CJK compatibility
        | 0x3400..=0x4dbf    // CJK extension A
        | 0x4e00..=0x9fff    // CJK unified ideographs
        | 0xa000..=0xa4cf    // Yi
        | 0xac00..=0xd7a3    // Hangul syllables
        | 0xf900..=0xfaff    // CJK compatibility ideographs
        | 0xfe30..=0xfe4f    // CJK compatibility forms
        | 0xff00..=0xff60    // Fullwidth forms
        | 0xffe0..=0xffe6    // Fullwidth signs
        | 0x1f300..=0x1f64f  // pictographs, emoticons
        | 0x1f900..=0x1f9ff  // supplemental pictographs
        | 0x20000..=0x2fffd  // CJK extensions B–F
        | 0x30000..=0x3fffd // CJK extension G
    );
    if wide {
        2
    } else {
        1
    }
}

/// Display width of a string (sum of [`char_width`]).
pub fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        // the common case (figures, ids): one column a byte, none for a control byte
        return s.bytes().filter(|&b| b >= 0x20 && b != 0x7f).count();
    }
    s.chars().map(char_width).sum()
}

/// Cuts `s` to at most `max` display columns, ending with `…` when something was cut
/// (borrowed when nothing is cut).
fn truncated(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if str_width(s) <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    std::borrow::Cow::Owned(out)
}

/// Horizontal alignment of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Pad on the right.
    Left,
    /// Pad on the left (numbers).
    Right,
}

enum Line {
    Row(Vec<String>),
    /// A group heading spanning the table (e.g. a dimension).
    Group(String),
}

/// A table of text cells, rendered with aligned columns.
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    max_width: Vec<Option<usize>>,
    lines: Vec<Line>,
}

impl Table {
    /// A table with these column headers, all left-aligned and unbounded.
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|s| s.to_string()).collect(),
            align: vec![Align::Left; headers.len()],
            max_width: vec![None; headers.len()],
            lines: Vec::new(),
        }
    }

    /// Sets the alignment of column `col`.
    pub fn align(mut self, col: usize, align: Align) -> Self {
        self.align[col] = align;
        self
    }

    /// Caps column `col` at `width` display columns (longer cells end with `…`).
    pub fn max_width(mut self, col: usize, width: usize) -> Self {
        self.max_width[col] = Some(width);
        self
    }

    /// Appends a row; missing cells are empty, extra cells are dropped.
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.lines.push(Line::Row(cells));
    }

    /// Appends a group heading line.
    pub fn group(&mut self, title: impl Into<String>) {
        self.lines.push(Line::Group(title.into()));
    }

    /// Renders the table; columns are separated by two spaces, trailing spaces trimmed.
    ///
    /// Each cell is cut to its column's cap and measured once; rows are written straight
    /// into the output (no string per padded cell: a national dashboard has 290,000).
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let cell = |c: usize, s: &str| -> usize {
            match self.max_width[c] {
                Some(m) => str_width(&truncated(s, m)),
                None => str_width(s),
            }
        };
        let rows = self
            .lines
            .iter()
            .filter(|l| matches!(l, Line::Row(_)))
            .count();
        // display width of every row cell as shown, row by row (headers: as given)
        let mut cell_widths: Vec<usize> = Vec::with_capacity(rows * n);
        let mut widths: Vec<usize> = (0..n).map(|c| str_width(&self.headers[c])).collect();
        let mut bytes = 0usize;
        for line in &self.lines {
            match line {
                Line::Row(cells) => {
                    for (c, s) in cells.iter().enumerate() {
                        let w = cell(c, s);
                        widths[c] = widths[c].max(w);
                        cell_widths.push(w);
                        bytes += s.len();
                    }
                }
                Line::Group(t) => bytes += t.len() + 4,
            }
        }
        let total: usize = widths.iter().sum::<usize>() + 2 * n.saturating_sub(1);
        let mut out = String::with_capacity(bytes + (rows + 2) * (total + 1));
        let write_row = |out: &mut String, cells: &[String], shown_widths: Option<&[usize]>| {
            let start = out.len();
            for c in 0..n {
                if c > 0 {
                    out.push_str("  ");
                }
                let s = match self.max_width[c] {
                    Some(m) => truncated(&cells[c], m),
                    None => std::borrow::Cow::Borrowed(cells[c].as_str()),
                };
                let w = match shown_widths {
                    Some(ws) => ws[c],
                    None => str_width(&s),
                };
                let fill = widths[c].saturating_sub(w);
                match self.align[c] {
                    Align::Left => {
                        out.push_str(&s);
                        push_spaces(out, fill);
                    }
                    Align::Right => {
                        push_spaces(out, fill);
                        out.push_str(&s);
                    }
                }
            }
            // trailing white space of the row, as `str::trim_end` would cut it
            let kept = out[start..].trim_end().len();
            out.truncate(start + kept);
        };
        write_row(&mut out, &self.headers, None);
        out.push('\n');
        push_repeated(&mut out, '-', total);
        out.push('\n');
        let mut k = 0;
        for line in &self.lines {
            match line {
                Line::Row(cells) => {
                    write_row(&mut out, cells, Some(&cell_widths[k..k + n]));
                    k += n;
                }
                Line::Group(t) => {
                    out.push_str("## ");
                    out.push_str(t);
                }
            }
            out.push('\n');
        }
        out
    }
}

fn push_spaces(out: &mut String, n: usize) {
    push_repeated(out, ' ', n);
}

fn push_repeated(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat(c).take(n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_two_columns() {
        // UAX #11: 地 (U+5730) and the fullwidth comma (U+FF0C) are W/F; ASCII is Na.
        assert_eq!(str_width("GDP"), 3);
        assert_eq!(str_width("地区生产总值"), 12);
        assert_eq!(str_width("亿元,%"), 6);
        assert_eq!(str_width("e\u{301}"), 1); // e + combining acute
        assert_eq!(str_width("↑"), 1); // ambiguous → narrow
    }

    #[test]
    fn columns_line_up_with_mixed_scripts() {
        let mut t = Table::new(&["id", "名称", "target"]).align(2, Align::Right);
        t.row(vec!["gdp".into(), "地区生产总值".into(), "2500".into()]);
        t.row(vec!["pm25".into(), "PM2.5浓度".into(), "26".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        // every row ends at the same display column: widths 4 + 2 + 12 + 2 + 6 = 26
        assert_eq!(str_width(lines[2]), 26, "{text}");
        assert_eq!(str_width(lines[3]), 26, "{text}");
        assert!(lines[3].ends_with("    26"));
    }

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncated("地区生产总值", 7), "地区生…");
        assert_eq!(truncated("abc", 3), "abc");
        assert!(str_width(&truncated("市、县、乡三级文化设施覆盖达标率", 10)) <= 10);
    }
}
