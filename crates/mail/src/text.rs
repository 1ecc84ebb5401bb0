//! Text helpers shared by the parser and the form extractor: Unicode normalisation, the
//! diacritic-insensitive fold used to recognise labels, and HTML → readable text.

use unicode_normalization::UnicodeNormalization;

/// NFC-normalises `s`. Windows-1258 decodes to base letters plus combining tone marks
/// ("Vie\u{0323}\u{0302}t"); after this it compares equal to precomposed UTF-8 ("Việt").
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Folds text for comparing labels, ignoring case and diacritics: "Điện THOẠI" → "dien thoai".
///
/// Differs from the search fold, [`ungcuu_domain::text::fold`], in two ways, both needed here
/// and both wrong for search (whose folded text is stored): white space is kept as it is, each
/// character folded on its own, so the extractor can map folded text back to byte offsets in
/// the line; and ð/Ð fold to d as well, since they are what đ/Đ (0xF0/0xD0) become when
/// Windows-1258 mail is decoded as Latin-1.
pub fn fold_keeping_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut out);
    }
    out
}

/// Folds one character (see [`fold_keeping_spaces`]), appending zero or more characters to
/// `out`.
pub(crate) fn fold_char_into(c: char, out: &mut String) {
    match c {
        'ð' | 'Ð' => out.push('d'),
        c => ungcuu_domain::text::fold_char_into(c, out),
    }
}

/// Converts an HTML document or fragment to readable plain text: tags, comments, `<head>`,
/// `<script>`, `<style>` and `<template>` are removed, entities decoded, white space collapsed
/// as a browser would, and line breaks kept for `<br>` and block elements (`<p>`, `<div>`,
/// `<tr>`, `<li>`, headings, …). Table cells on one row are separated by a tab, list items
/// start with "- ", and a link whose target differs from its text is followed by `<target>`
/// (the URL of a phishing link is evidence). Never panics, whatever the input.
pub fn html_to_text(html: &str) -> String {
    let mut out = HtmlText::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut skip_until: Option<&'static str> = None;
    let mut link: Option<(String, usize)> = None;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            // Comments, doctype, CDATA.
            if html[i..].starts_with("<!--") {
                i = match html[i + 4..].find("-->") {
                    Some(p) => i + 4 + p + 3,
                    None => bytes.len(),
                };
                continue;
            }
            if let Some(tag) = parse_tag(&html[i..]) {
                let next = i + tag.len;
                if let Some(end) = skip_until {
                    if tag.closing && tag.name == end {
                        skip_until = None;
                    }
                    i = next;
                    continue;
                }
                if tag.name.starts_with('!') || tag.name.starts_with('?') {
                    i = next;
                    continue;
                }
                match tag.name.as_str() {
                    "script" | "style" | "head" | "template" | "title" | "noscript" | "svg"
                        if !tag.closing && !tag.self_closing =>
                    {
                        skip_until = Some(match tag.name.as_str() {
                            "script" => "script",
                            "style" => "style",
                            "head" => "head",
                            "template" => "template",
                            "title" => "title",
                            "noscript" => "noscript",
                            _ => "svg",
                        });
                    }
                    "br" => out.hard_break(),
                    "pre" => {
                        out.block();
                        out.pre = !tag.closing;
                    }
                    "li" if !tag.closing => {
                        out.block();
                        out.push_text("- ");
                    }
                    "td" | "th" if !tag.closing => out.cell(),
                    "a" if !tag.closing => {
                        link = tag.href.map(|h| (h, out.buf.len()));
                    }
                    "a" => {
                        if let Some((href, start)) = link.take() {
                            let shown = out.buf.get(start..).unwrap_or("").trim().to_string();
                            let href = decode_entities(&href);
                            let interesting = href.starts_with("http://")
                                || href.starts_with("https://")
                                || href.starts_with("ftp://");
                            if interesting && shown != href && !shown.contains(href.as_str()) {
                                out.push_text(&format!(" <{href}>"));
                            }
                        }
                    }
                    "hr" => {
                        out.block();
                        out.push_text("----");
                        out.block();
                    }
                    name if is_block(name) => {
                        if name == "tr" && !tag.closing {
                            out.row_start();
                        }
                        out.block();
                    }
                    _ => {}
                }
                i = next;
                continue;
            }
            // A '<' that starts no tag is text.
            if skip_until.is_none() {
                out.push_text("<");
            }
            i += 1;
            continue;
        }
        // Text up to the next '<'.
        let end = html[i..].find('<').map_or(bytes.len(), |p| i + p);
        if skip_until.is_none() {
            out.push_text(&decode_entities(&html[i..end]));
        }
        i = end;
    }
    out.finish()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "tr"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "address"
            | "form"
            | "fieldset"
            | "center"
            | "caption"
            | "figure"
            | "figcaption"
            | "body"
            | "html"
    )
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    href: Option<String>,
    /// Bytes from '<' to '>' inclusive.
    len: usize,
}

/// Parses a tag at the start of `s` (which starts with '<'). Quoted attribute values may
/// contain '>'. Returns None when this '<' does not open a tag ("a < b").
fn parse_tag(s: &str) -> Option<Tag> {
    let b = s.as_bytes();
    let mut i = 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let first = *b.get(i)?;
    if !(first.is_ascii_alphabetic() || first == b'!' || first == b'?') {
        return None;
    }
    let name_start = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let attrs_start = i;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        match (quote, b[i]) {
            (None, b'"') | (None, b'\'') => quote = Some(b[i]),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => break,
            _ => {}
        }
        i += 1;
    }
    // An unterminated tag runs to the end of the input.
    let attrs = &s[attrs_start..i.min(s.len())];
    let len = (i + 1).min(s.len());
    let self_closing = attrs.trim_end().ends_with('/');
    let href = if name == "a" {
        attr_value(attrs, "href")
    } else {
        None
    };
    Some(Tag {
        name,
        closing,
        self_closing,
        href,
        len,
    })
}

fn attr_value(attrs: &str, wanted: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(wanted) {
        let at = from + p;
        from = at + wanted.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - rest.len() + 1;
        let value = attrs[value_start..].trim_start();
        let v = match value.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) => {
                let inner = &value[1..];
                inner[..inner.find(q as char).unwrap_or(inner.len())].to_string()
            }
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        return Some(v.trim().to_string());
    }
    None
}

#[derive(Default)]
struct HtmlText {
    buf: String,
    pre: bool,
    /// A space is owed before the next word.
    space: bool,
    /// Cells already seen on the current table row.
    cells: usize,
}

impl HtmlText {
    fn at_line_start(&self) -> bool {
        self.buf.is_empty() || self.buf.ends_with('\n')
    }

    fn push_text(&mut self, text: &str) {
        if self.pre {
            self.buf.push_str(&text.replace('\u{a0}', " "));
            self.space = false;
            return;
        }
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            if self.space && !self.at_line_start() && !self.buf.ends_with([' ', '\t']) {
                self.buf.push(' ');
            }
            self.space = false;
            self.buf.push(c);
        }
    }

    fn trim_line_end(&mut self) {
        while self.buf.ends_with([' ', '\t']) {
            self.buf.pop();
        }
    }

    fn hard_break(&mut self) {
        self.trim_line_end();
        self.buf.push('\n');
        self.space = false;
        self.cells = 0;
    }

    /// Ends the current line unless already at the start of one.
    fn block(&mut self) {
        self.trim_line_end();
        if !self.at_line_start() {
            self.buf.push('\n');
        }
        self.space = false;
    }

    fn row_start(&mut self) {
        self.cells = 0;
    }

    fn cell(&mut self) {
        if self.cells > 0 {
            self.trim_line_end();
            if !self.at_line_start() {
                self.buf.push('\t');
            }
        }
        self.cells += 1;
        self.space = false;
    }

    fn finish(mut self) -> String {
        self.trim_line_end();
        // At most one blank line in a row, no trailing spaces, no blank lines at the ends.
        let mut out = String::with_capacity(self.buf.len());
        let mut blank_run = 0;
        for line in self.buf.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() {
                blank_run += 1;
                if blank_run > 1 || out.is_empty() {
                    continue;
                }
            } else {
                blank_run = 0;
            }
            out.push_str(line);
            out.push('\n');
        }
        nfc(out.trim_end())
    }
}

/// Decodes HTML character references: numeric (`&#7879;`, `&#x1EC7;`) and the named ones mail
/// actually carries (Latin-1 letters used in Vietnamese, punctuation, spaces). Unknown or
/// malformed references stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .char_indices()
            .take(32)
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|(i, c)| (i + 1, c));
        let (name_end, terminated) = match end {
            Some((i, ';')) => (i, true),
            Some((i, _)) => (i, false),
            None if rest.len() <= 33 => (rest.len(), false),
            None => (1, false),
        };
        let name = &rest[1..name_end];
        if let Some(c) = entity_char(name) {
            out.push(c);
            rest = &rest[name_end + usize::from(terminated)..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

fn entity_char(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return Some(char::from_u32(code).unwrap_or('\u{fffd}'));
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ensp" | "emsp" | "thinsp" => ' ',
        "shy" | "zwnj" | "zwj" => '\u{200b}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "deg" => '°',
        "times" => '×',
        "divide" => '÷',
        "sect" => '§',
        "para" => '¶',
        "Agrave" => 'À',
        "Aacute" => 'Á',
        "Acirc" => 'Â',
        "Atilde" => 'Ã',
        "Egrave" => 'È',
        "Eacute" => 'É',
        "Ecirc" => 'Ê',
        "Igrave" => 'Ì',
        "Iacute" => 'Í',
        "Ograve" => 'Ò',
        "Oacute" => 'Ó',
        "Ocirc" => 'Ô',
        "Otilde" => 'Õ',
        "Ugrave" => 'Ù',
        "Uacute" => 'Ú',
        "Yacute" => 'Ý',
        "agrave" => 'à',
        "aacute" => 'á',
        "acirc" => 'â',
        "atilde" => 'ã',
        "egrave" => 'è',
        "eacute" => 'é',
        "ecirc" => 'ê',
        "igrave" => 'ì',
        "iacute" => 'í',
        "ograve" => 'ò',
        "oacute" => 'ó',
        "ocirc" => 'ô',
        "otilde" => 'õ',
        "ugrave" => 'ù',
        "uacute" => 'ú',
        "yacute" => 'ý',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "ccedil" => 'ç',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_diacritics_and_the_letter_dd() {
        assert_eq!(fold_keeping_spaces("Điện THOẠI"), "dien thoai");
        assert_eq!(
            fold_keeping_spaces("Tên tổ chức/cá nhân"),
            "ten to chuc/ca nhan"
        );
        // Combining marks (as Windows-1258 produces) fold the same as precomposed letters.
        assert_eq!(
            fold_keeping_spaces("Vie\u{0323}\u{0302}t"),
            fold_keeping_spaces("Việt")
        );
    }

    #[test]
    fn label_folding_keeps_white_space_and_reads_eth_as_dd_unlike_search_folding() {
        let s = " ÐIỆN  thoại\tð ";
        assert_eq!(fold_keeping_spaces(s), " dien  thoai\td ");
        assert_eq!(ungcuu_domain::text::fold(s), "ðien thoai ð");
    }

    #[test]
    fn nfc_makes_windows_1258_style_combining_marks_equal_to_precomposed_text() {
        assert_eq!(nfc("Vie\u{0302}\u{0323}t Nam"), "Việt Nam");
    }

    #[test]
    fn html_to_text_keeps_line_breaks_for_br_p_div_and_table_rows() {
        let html = "<html><head><title>T</title><style>p{color:red}</style></head><body>\
            <p>Xin chào,</p><div>Dòng&nbsp;hai<br>dòng ba</div>\
            <table><tr><td>Tên tổ chức:</td><td>Sở A</td></tr><tr><td>Địa chỉ:</td><td>Số 1</td></tr></table>\
            <script>alert('x')</script><ul><li>một</li><li>hai</li></ul></body></html>";
        assert_eq!(
            html_to_text(html),
            "Xin chào,\nDòng hai\ndòng ba\nTên tổ chức:\tSở A\nĐịa chỉ:\tSố 1\n- một\n- hai"
        );
    }

    #[test]
    fn html_to_text_decodes_entities_and_collapses_white_space() {
        assert_eq!(
            html_to_text("  Vi&#7879;t &amp; Nam  &lt;b&gt;   &#x1EC7; &eacute; &unknown; a&b "),
            "Việt & Nam <b> ệ é &unknown; a&b"
        );
    }

    #[test]
    fn html_to_text_drops_comments_and_scripts_even_with_angle_brackets_inside() {
        let html = "a<!-- <p>hidden</p> -->b<script>if (1 < 2) { x('</p>') }</script>c \
                    <img src=\"x.png\" alt=\"a > b\">d";
        assert_eq!(html_to_text(html), "abc d");
    }

    #[test]
    fn html_to_text_shows_where_a_link_really_points() {
        let html = r#"<p>Bấm <a href="http://evil.example/login?a=1&amp;b=2">vào đây</a> hoặc
            <a href="https://x.vn">https://x.vn</a></p>"#;
        assert_eq!(
            html_to_text(html),
            "Bấm vào đây <http://evil.example/login?a=1&b=2> hoặc https://x.vn"
        );
    }

    #[test]
    fn html_to_text_keeps_preformatted_text_and_survives_broken_markup() {
        assert_eq!(html_to_text("<pre>a  b\n  c</pre>x"), "a  b\n  c\nx");
        assert_eq!(html_to_text("a < b <p"), "a < b");
        assert_eq!(html_to_text("<div>unterminated <b"), "unterminated");
        assert_eq!(
            html_to_text("&#xFFFFFFFF; &#99999999999;"),
            "\u{fffd} &#99999999999;"
        );
        assert_eq!(html_to_text(""), "");
    }
}
