//! The extractor: reads the body line by line, following the section and what the last label
//! left pending, and fills the form.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::json;

use super::Extracted;
use super::dates::{parse_date, parse_datetime, parse_time, rfc3339_vn, strip_date};
use super::labels::{F, Kind, Section, kind};
use super::matching::{FoldedLine, LabelMatch, label_at_start, label_inside, strip_markers};
use super::options::{OptOutcome, option_value, segments};
use super::values::{clean_value, is_noise, list_items, looks_like_list, placeholder};

#[derive(Default)]
struct Form {
    reporter_org: Option<String>,
    reporter_address: Option<String>,
    reporter_phone: Option<String>,
    reporter_email: Option<String>,
    contact_name: Option<String>,
    contact_title: Option<String>,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    operator: Option<String>,
    owner: Option<String>,
    system_name: Option<String>,
    domains: Vec<String>,
    ips: Vec<String>,
    public_ip_ranges: Vec<String>,
    security_level: Option<u8>,
    security_provider: Option<String>,
    connectivity_provider: Option<String>,
    os: Option<String>,
    os_version: Option<String>,
    services: Vec<String>,
    measures: Vec<String>,
    purpose: Vec<String>,
    description: Vec<String>,
    detected_date: Option<NaiveDate>,
    detected_time: Option<NaiveTime>,
    handled: Option<bool>,
    detection_methods: Vec<String>,
    already_notified: Vec<String>,
    attachments_note: Vec<String>,
    confidential: Option<bool>,
    support: Vec<String>,
    reported_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    /// The label's value is on the next line.
    Value(F),
    /// Lines continue a multi-line value until the next label.
    Multi(F),
    /// Lines continue a list of domains or addresses while they look like one.
    List(F),
    /// Lines are checkbox options of this field until the next label.
    Options(F),
}

enum Applied {
    /// The value was used.
    Used,
    /// No value on this line (the form's blank).
    Empty,
    /// The value could not be used (bad date, field already filled, …): keep the line.
    Kept,
}

pub(super) struct State {
    form: Form,
    section: Section,
    pending: Pending,
    unrec: Vec<String>,
    recognised: BTreeSet<&'static str>,
}

impl Default for State {
    fn default() -> Self {
        State {
            form: Form::default(),
            section: Section::Reporter,
            pending: Pending::None,
            unrec: Vec::new(),
            recognised: BTreeSet::new(),
        }
    }
}

fn set_once(slot: &mut Option<String>, value: String) -> bool {
    match slot {
        Some(existing) => *existing == value,
        None => {
            *slot = Some(value);
            true
        }
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

impl State {
    fn keep(&mut self, line: &str) {
        self.unrec.push(line.trim_end().to_string());
    }

    pub(super) fn line(&mut self, raw: &str) {
        let line = raw.trim_end_matches(['\r', '\n']);
        if is_noise(line) {
            match self.pending {
                Pending::Multi(f) => self.multi_push(f, ""),
                _ => self.unrec.push(String::new()),
            }
            return;
        }
        let folded = FoldedLine::new(line);
        if let Some(m) = label_at_start(line, &folded) {
            self.label_line(line, &folded, m);
            return;
        }
        match self.pending {
            Pending::Multi(f) => {
                let text = strip_markers(line).trim_end();
                if placeholder(text) {
                    // "Đề nghị cung cấp … sự cố: <the sender's text>".
                    if let Some(p) = text.rfind(':') {
                        let v = clean_value(&text[p + 1..]);
                        if !v.is_empty() {
                            self.multi_push(f, &v);
                        }
                    }
                    return;
                }
                self.multi_push(f, line.trim());
                return;
            }
            Pending::Value(f) => {
                if placeholder(line) {
                    return;
                }
                self.pending = Pending::None;
                match self.apply(f, strip_markers(line)) {
                    Applied::Used => {}
                    Applied::Empty | Applied::Kept => self.keep(line),
                }
                return;
            }
            Pending::List(f) => {
                if looks_like_list(line) {
                    self.apply(f, strip_markers(line));
                    return;
                }
                self.pending = Pending::None;
            }
            Pending::Options(f) => match self.options(f, line, true) {
                OptOutcome::Full => return,
                OptOutcome::Partial => {
                    self.keep(line);
                    return;
                }
                OptOutcome::NoMatch => {}
            },
            Pending::None => {}
        }
        if placeholder(line) {
            return;
        }
        self.keep(line);
    }

    fn label_line(&mut self, line: &str, folded: &FoldedLine, first: LabelMatch) {
        self.pending = Pending::None;
        let mut kept = false;
        let mut current = first;
        loop {
            let label = current.label;
            if let Some(s) = label.section {
                self.section = s;
            }
            let next = label_inside(line, folded, current.value_start, label.inline);
            let value_end = next.as_ref().map_or(line.len(), |n| n.start);
            let value = &line[current.value_start..value_end];
            let outcome = if label.field == F::Heading {
                if is_noise(value) {
                    Applied::Empty
                } else {
                    Applied::Kept
                }
            } else {
                self.apply(label.field, value)
            };
            match outcome {
                Applied::Kept => kept = true,
                Applied::Empty => {
                    self.pending = match kind(label.field) {
                        Kind::Value => Pending::Value(label.field),
                        Kind::Multi => Pending::Multi(label.field),
                        Kind::List => Pending::List(label.field),
                        Kind::Options => Pending::Options(label.field),
                        Kind::None => Pending::None,
                    }
                }
                Applied::Used => {
                    self.pending = match kind(label.field) {
                        Kind::Multi => Pending::Multi(label.field),
                        Kind::List => Pending::List(label.field),
                        Kind::Options => Pending::Options(label.field),
                        Kind::Value | Kind::None => Pending::None,
                    }
                }
            }
            match next {
                Some(n) => current = n,
                None => break,
            }
        }
        if kept {
            self.keep(line);
        }
    }

    fn multi_push(&mut self, f: F, text: &str) {
        let list = match f {
            F::Description => &mut self.form.description,
            F::Support => &mut self.form.support,
            _ => &mut self.form.purpose,
        };
        if text.is_empty() && list.is_empty() {
            return;
        }
        list.push(text.to_string());
        self.recognised.insert(match f {
            F::Description => "description",
            F::Support => "support_requested",
            _ => "system.purpose",
        });
    }

    fn text_slot(&mut self, f: F) -> (&mut Option<String>, &'static str) {
        let form = &mut self.form;
        match f {
            F::ReporterOrg => (&mut form.reporter_org, "reporter.org_name"),
            F::Address => (&mut form.reporter_address, "reporter.address"),
            F::ContactName => (&mut form.contact_name, "contact.name"),
            F::ContactTitle => (&mut form.contact_title, "contact.title"),
            F::Operator => (&mut form.operator, "system.operator_name"),
            F::Owner => (&mut form.owner, "system.owner_name"),
            F::SystemName => (&mut form.system_name, "system.name"),
            F::SecurityProvider => (&mut form.security_provider, "system.security_provider"),
            F::ConnectivityProvider => (
                &mut form.connectivity_provider,
                "system.connectivity_provider",
            ),
            F::Os => (&mut form.os, "system.os"),
            F::OsVersion => (&mut form.os_version, "system.os_version"),
            F::Phone => {
                let to_contact = self.section == Section::Contact
                    || (form.reporter_phone.is_some() && form.contact_phone.is_none());
                if to_contact {
                    (&mut form.contact_phone, "contact.phone")
                } else {
                    (&mut form.reporter_phone, "reporter.phone")
                }
            }
            _ => {
                let to_contact = self.section == Section::Contact
                    || (form.reporter_email.is_some() && form.contact_email.is_none());
                if to_contact {
                    (&mut form.contact_email, "contact.email")
                } else {
                    (&mut form.reporter_email, "reporter.email")
                }
            }
        }
    }

    fn apply(&mut self, f: F, value: &str) -> Applied {
        let v = clean_value(value);
        if placeholder(&v) {
            return Applied::Empty;
        }
        match kind(f) {
            Kind::None => Applied::Empty,
            Kind::Multi => {
                if v.is_empty() {
                    return Applied::Empty;
                }
                self.multi_push(f, &v);
                Applied::Used
            }
            Kind::List => {
                let items = list_items(&v);
                if items.is_empty() {
                    return Applied::Empty;
                }
                let (list, path) = match f {
                    F::Domains => (&mut self.form.domains, "system.domains"),
                    F::Ips => (&mut self.form.ips, "system.ips"),
                    _ => (&mut self.form.public_ip_ranges, "system.public_ip_ranges"),
                };
                for item in items {
                    let item = if f == F::Domains {
                        item.to_lowercase()
                    } else {
                        item
                    };
                    push_unique(list, item);
                }
                self.recognised.insert(path);
                Applied::Used
            }
            Kind::Options => {
                if is_noise(&v) {
                    return Applied::Empty;
                }
                match self.options(f, &v, false) {
                    OptOutcome::Full => Applied::Used,
                    OptOutcome::Partial | OptOutcome::NoMatch => Applied::Kept,
                }
            }
            Kind::Value => match f {
                F::DetectedDate | F::DetectedTime => {
                    if !v.chars().any(|c| c.is_ascii_digit()) {
                        return Applied::Empty;
                    }
                    let date = parse_date(&v);
                    let time = parse_time(&strip_date(&v));
                    let mut used = false;
                    let mut conflict = false;
                    if let Some(d) = date {
                        conflict |= self.form.detected_date.is_some_and(|x| x != d);
                        self.form.detected_date.get_or_insert(d);
                        used = true;
                    }
                    if let Some(t) = time {
                        conflict |= self.form.detected_time.is_some_and(|x| x != t);
                        self.form.detected_time.get_or_insert(t);
                        used = true;
                    }
                    if used && !conflict {
                        Applied::Used
                    } else {
                        Applied::Kept
                    }
                }
                F::ReportedAt => {
                    if !v.chars().any(|c| c.is_ascii_digit()) {
                        return Applied::Empty;
                    }
                    match parse_datetime(&v) {
                        Some(dt) if self.form.reported_at.is_none_or(|x| x == dt) => {
                            self.form.reported_at = Some(dt);
                            self.recognised.insert("reported_at");
                            Applied::Used
                        }
                        _ => Applied::Kept,
                    }
                }
                _ => {
                    if is_noise(&v) {
                        return Applied::Empty;
                    }
                    let (slot, path) = self.text_slot(f);
                    if set_once(slot, v) {
                        self.recognised.insert(path);
                        Applied::Used
                    } else {
                        Applied::Kept
                    }
                }
            },
        }
    }

    /// Reads checkbox options of `f` from `s`. `strict` for lines without a label: text
    /// without boxes must be nothing but options.
    fn options(&mut self, f: F, s: &str, strict: bool) -> OptOutcome {
        let (boxed, segs) = segments(s);
        let seps: &[char] = if matches!(f, F::Handled | F::Confidential) {
            &[',', ';', '/']
        } else {
            &[',', ';']
        };
        let free = !boxed;
        let strict_items = strict && free;
        let mut understood = 0;
        let mut not_understood = 0;
        let mut answers: Vec<String> = Vec::new();
        for (checked, seg) in segs {
            let items: Vec<&str> = if free {
                // Without boxes a sender may list several: "Web server, Mail server".
                seg.split(seps).collect()
            } else {
                vec![seg]
            };
            for item in items {
                let item = item.trim();
                if is_noise(item) {
                    continue;
                }
                match option_value(f, item, strict_items) {
                    Some(a) => {
                        understood += 1;
                        if checked && !a.is_empty() {
                            answers.push(a);
                        }
                    }
                    None if checked => not_understood += 1,
                    None => {}
                }
            }
        }
        if understood == 0 {
            return OptOutcome::NoMatch;
        }
        // Single answers: one distinct value, or the line is ambiguous.
        match f {
            F::Handled | F::Confidential | F::SecurityLevel => {
                answers.sort();
                answers.dedup();
                if answers.len() > 1 {
                    return OptOutcome::Partial;
                }
                if let Some(a) = answers.first() {
                    let ok = match f {
                        F::Handled => {
                            let b = a == "true";
                            let ok = self.form.handled.is_none_or(|x| x == b);
                            self.form.handled.get_or_insert(b);
                            self.recognised.insert("handled");
                            ok
                        }
                        F::Confidential => {
                            let b = a == "true";
                            let ok = self.form.confidential.is_none_or(|x| x == b);
                            self.form.confidential.get_or_insert(b);
                            self.recognised.insert("confidential");
                            ok
                        }
                        _ => {
                            let n: u8 = a.parse().unwrap_or(0);
                            let ok = self.form.security_level.is_none_or(|x| x == n);
                            self.form.security_level.get_or_insert(n);
                            self.recognised.insert("system.security_level");
                            ok
                        }
                    };
                    if !ok {
                        return OptOutcome::Partial;
                    }
                } else if free {
                    // Named without a box, yet nothing to set (cannot happen for single
                    // answers, which always carry a value).
                    return OptOutcome::Partial;
                }
            }
            _ => {
                let (list, path) = match f {
                    F::DetectionMethods => (&mut self.form.detection_methods, "detection_methods"),
                    F::AlreadyNotified => (&mut self.form.already_notified, "already_notified"),
                    F::Services => (&mut self.form.services, "system.services"),
                    F::Measures => (&mut self.form.measures, "system.measures"),
                    _ => (&mut self.form.attachments_note, "attachments_note"),
                };
                let any = !answers.is_empty();
                for a in answers {
                    push_unique(list, a);
                }
                if any {
                    self.recognised.insert(path);
                }
            }
        }
        if not_understood > 0 {
            OptOutcome::Partial
        } else {
            OptOutcome::Full
        }
    }

    pub(super) fn finish(mut self) -> Extracted {
        let f = self.form;
        let mut recognised = self.recognised;
        let detected_at = match (f.detected_date, f.detected_time) {
            (Some(d), t) => rfc3339_vn(d.and_time(t.unwrap_or(NaiveTime::MIN))),
            (None, _) => None,
        };
        if detected_at.is_some() {
            recognised.insert("detected_at");
        } else if f.detected_time.is_some() {
            // A time without a date cannot make a datetime: say so in the description.
            self.unrec.push(format!(
                "Thời gian phát hiện: {}",
                f.detected_time
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default()
            ));
        }
        let join = |v: &Vec<String>| v.join("\n").trim().to_string();
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        let report = json!({
            "reporter": {
                "org_name": s(&f.reporter_org),
                "address": s(&f.reporter_address),
                "phone": s(&f.reporter_phone),
                "email": s(&f.reporter_email),
            },
            "contact": {
                "name": s(&f.contact_name),
                "title": s(&f.contact_title),
                "phone": s(&f.contact_phone),
                "email": s(&f.contact_email),
            },
            "system": {
                "operator_name": s(&f.operator),
                "owner_name": s(&f.owner),
                "name": s(&f.system_name),
                "domains": f.domains,
                "ips": f.ips,
                "public_ip_ranges": f.public_ip_ranges,
                "security_level": f.security_level,
                "security_provider": s(&f.security_provider),
                "connectivity_provider": s(&f.connectivity_provider),
                "os": s(&f.os),
                "os_version": s(&f.os_version),
                "services": f.services,
                "measures": f.measures,
                "purpose": join(&f.purpose),
            },
            "description": join(&f.description),
            "detected_at": detected_at,
            "handled": f.handled,
            "detection_methods": f.detection_methods,
            "already_notified": f.already_notified,
            "attachments_note": f.attachments_note.join(", "),
            "confidential": f.confidential,
            "support_requested": join(&f.support),
            "reported_at": f.reported_at.and_then(rfc3339_vn),
        });
        // Unrecognised lines, runs of blank lines collapsed, ends trimmed.
        let mut unrecognised = String::new();
        let mut blank = false;
        for line in &self.unrec {
            if line.trim().is_empty() {
                blank = !unrecognised.is_empty();
                continue;
            }
            if blank {
                unrecognised.push('\n');
                blank = false;
            }
            unrecognised.push_str(line);
            unrecognised.push('\n');
        }
        let unrecognised = unrecognised.trim_end().to_string();
        Extracted {
            report,
            unrecognised,
            recognised,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::form::extract;

    #[test]
    fn phone_and_email_follow_the_section_heading() {
        let e = extract(
            "Điện thoại: 111\nEmail: org@x.vn\nNGƯỜI LIÊN HỆ\nĐiện thoại: 222\nEmail: person@x.vn",
        );
        assert_eq!(e.report["reporter"]["phone"], "111");
        assert_eq!(e.report["reporter"]["email"], "org@x.vn");
        assert_eq!(e.report["contact"]["phone"], "222");
        assert_eq!(e.report["contact"]["email"], "person@x.vn");
        // Without the heading, the second one still goes to the contact.
        let e = extract("Email: org@x.vn\nEmail: person@x.vn");
        assert_eq!(e.report["contact"]["email"], "person@x.vn");
        // A third has nowhere to go and is kept.
        let e = extract("Email: a@x.vn\nEmail: b@x.vn\nEmail: c@x.vn");
        assert_eq!(e.unrecognised, "Email: c@x.vn");
    }
    #[test]
    fn a_value_on_the_next_line_is_taken() {
        let e = extract(
            "Tên tổ chức/cá nhân báo cáo sự cố (*)\nUBND xã Tân Chi\nCơ quan chủ quản:\n\nUBND tỉnh",
        );
        assert_eq!(e.report["reporter"]["org_name"], "UBND xã Tân Chi");
        assert_eq!(e.report["system"]["owner_name"], "UBND tỉnh");
        assert_eq!(e.unrecognised, "");
    }
    #[test]
    fn the_description_runs_over_several_lines_until_the_next_label() {
        let e = extract(
            "Mô tả sơ bộ sự cố:\nDòng một.\n\nDòng hai.\nNgày phát hiện sự cố: 01/02/2026\nCảm ơn.",
        );
        assert_eq!(e.report["description"], "Dòng một.\n\nDòng hai.");
        assert_eq!(e.report["detected_at"], "2026-02-01T00:00:00+07:00");
        assert_eq!(e.unrecognised, "Cảm ơn.");
        assert_eq!(
            e.description_with_unrecognised(),
            "Dòng một.\n\nDòng hai.\n\nCảm ơn."
        );
    }
    #[test]
    fn values_that_cannot_be_used_are_kept_as_unrecognised() {
        let e = extract(
            "Ngày phát hiện sự cố: 31/02/2026\nHiện trạng sự cố: Đã được xử lý / Chưa được xử lý\nCấp độ hệ thống: 9\nGiữ bí mật: tùy",
        );
        assert_eq!(e.report["detected_at"], Value::Null);
        assert_eq!(e.report["handled"], Value::Null);
        assert_eq!(e.report["system"]["security_level"], Value::Null);
        assert_eq!(e.report["confidential"], Value::Null);
        assert_eq!(
            e.unrecognised,
            "Ngày phát hiện sự cố: 31/02/2026\nHiện trạng sự cố: Đã được xử lý / Chưa được xử lý\nCấp độ hệ thống: 9\nGiữ bí mật: tùy"
        );
        // A time without a date cannot become detected_at, and is said in the description.
        let e = extract("Thời gian phát hiện: 08:30");
        assert_eq!(e.report["detected_at"], Value::Null);
        assert_eq!(e.unrecognised, "Thời gian phát hiện: 08:30");
    }
    #[test]
    fn lists_continue_on_following_lines_while_they_look_like_addresses() {
        let e = extract(
            "Các địa chỉ IP của hệ thống:\n203.0.113.1\n203.0.113.2, 2001:db8::1\nXin cảm ơn",
        );
        assert_eq!(
            e.report["system"]["ips"],
            json!(["203.0.113.1", "203.0.113.2", "2001:db8::1"])
        );
        assert_eq!(e.unrecognised, "Xin cảm ơn");
    }
}
