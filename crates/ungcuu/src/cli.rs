use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use ungcuu_app::accounts::tokens::TokenInput;
use ungcuu_app::accounts::users::UserInput;
use ungcuu_app::registry::orgs::OrgInput;
use ungcuu_app::{Actor, App, AppConfig, AppError};
use ungcuu_domain::Lang;
use ungcuu_store::Db;

#[derive(Parser, Debug)]
#[command(
    name = "ungcuu",
    version,
    about = "Hệ thống ứng cứu sự cố an toàn thông tin mạng — cyber incident response"
)]
pub struct Cli {
    /// Database: sqlite://PATH (embedded, default) or postgres://…
    #[arg(
        long,
        global = true,
        env = "UNGCUU_DATABASE_URL",
        default_value = "sqlite://./ungcuu-data/ungcuu.db",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Directory for attachments (the local file store).
    #[arg(
        long,
        global = true,
        env = "UNGCUU_DATA_DIR",
        default_value = "./ungcuu-data"
    )]
    pub data_dir: PathBuf,
    /// Language of messages: vi or en.
    #[arg(long, global = true, env = "UNGCUU_LANG", default_value = "vi")]
    pub lang: String,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Web UI and API (creates or upgrades the schema first).
    // Boxed: the serve settings are far larger than the other commands.
    Serve(Box<ServeArgs>),
    /// Create or upgrade the schema, then exit.
    Migrate,
    /// Load the demo province into an empty database.
    Demo,
    #[command(subcommand)]
    Admin(AdminCmd),
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Write a consistent copy of the database to FILE (works while the server runs).
    Backup { file: PathBuf },
    /// Load a backup FILE into an empty database.
    Restore { file: PathBuf },
    /// Import organisations, information systems or the roster from a CSV or XLSX file laid
    /// out like the template; every bad row is listed and then nothing is written.
    Import {
        /// orgs, systems or roster
        kind: String,
        /// The file; .csv (UTF-8) or .xlsx.
        file: PathBuf,
        /// Check every row and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export a list (orgs, systems or roster) to FILE, .csv or .xlsx, in the template's
    /// columns.
    Export { kind: String, file: PathBuf },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, env = "UNGCUU_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Accept [TBSC] mail over SMTP at this address (intake; off when unset).
    #[arg(long, env = "UNGCUU_SMTP_LISTEN")]
    pub smtp_listen: Option<String>,
    /// Also take mail from this mailbox: imap://user:password@host:port/INBOX (or imaps://).
    #[arg(long, env = "UNGCUU_IMAP_URL", hide_env_values = true)]
    pub imap_url: Option<String>,
    /// Seconds between two IMAP polls.
    #[arg(long, env = "UNGCUU_IMAP_POLL_SECS", default_value_t = 60)]
    pub imap_poll_secs: u64,
    /// Shared attachment storage (s3://…) when several instances run.
    #[arg(long, env = "UNGCUU_OBJECT_STORE_URL")]
    pub object_store_url: Option<String>,
    /// Directory of the local file store (default: `files` under the data directory).
    #[arg(long, env = "UNGCUU_FILES_DIR")]
    pub files_dir: Option<PathBuf>,
    /// The largest attachment accepted, in bytes (default 50 MiB).
    #[arg(long, env = "UNGCUU_ATTACHMENT_MAX_BYTES", default_value_t = ungcuu_app::intake::attachments::DEFAULT_MAX_BYTES)]
    pub attachment_max_bytes: u64,
    /// Outbound mail relay, e.g. smtp://127.0.0.1:25.
    #[arg(long, env = "UNGCUU_SMTP_RELAY")]
    pub smtp_relay: Option<String>,
    /// Largest mail accepted over SMTP, in bytes; larger mail is refused with 552.
    #[arg(long, env = "UNGCUU_SMTP_MAX_BYTES", default_value_t = 25 * 1024 * 1024)]
    pub smtp_max_bytes: usize,
    /// Sender address of outgoing mail (acknowledgements, notices).
    #[arg(long, env = "UNGCUU_SMTP_FROM", default_value = "ungcuu@localhost")]
    pub smtp_from: String,
    /// Seconds before the first retry of a mail the relay did not take (doubling to an hour).
    #[arg(long, env = "UNGCUU_SMTP_RETRY_SECS", default_value_t = 60)]
    pub smtp_retry_secs: u64,
    /// The address people open ungcuu at, for links in mails (default: http://LISTEN).
    #[arg(long, env = "UNGCUU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Days allowed from detection to the report before it is flagged late (TT20 Đ9: 5).
    #[arg(long, env = "UNGCUU_REPORT_DAYS", default_value_t = 5)]
    pub report_days: i64,
    /// The issuing body printed on official documents: its parent body, its name, the code in
    /// document numbers ("Số: 12/BC-ĐUCSC") and the place in the date line.
    #[arg(
        long,
        env = "UNGCUU_ISSUING_PARENT",
        default_value = "UBND tỉnh Bắc Ninh"
    )]
    pub issuing_parent: String,
    #[arg(
        long,
        env = "UNGCUU_ISSUING_NAME",
        default_value = "Đội ứng cứu sự cố an toàn thông tin mạng"
    )]
    pub issuing_name: String,
    #[arg(long, env = "UNGCUU_ISSUING_CODE", default_value = "ĐUCSC")]
    pub issuing_code: String,
    #[arg(long, env = "UNGCUU_ISSUING_PLACE", default_value = "Bắc Ninh")]
    pub issuing_place: String,
    /// Load the demo province when the database is empty.
    #[arg(long)]
    pub demo: bool,
    /// Mark cookies Secure: always, never, or auto (when the proxy says the request came over https).
    #[arg(long, env = "UNGCUU_SECURE_COOKIES", default_value = "auto")]
    pub secure_cookies: ungcuu_web::SecureCookies,
    /// A session ends after this many hours without use.
    #[arg(long, env = "UNGCUU_SESSION_TTL_HOURS", default_value_t = 12)]
    pub session_ttl_hours: u32,
    /// A session ends this many days after sign-in, however much it is used.
    #[arg(long, env = "UNGCUU_SESSION_MAX_DAYS", default_value_t = 7)]
    pub session_max_days: u32,
    /// Sign-in attempts allowed per client per minute.
    #[arg(long, env = "UNGCUU_SIGNIN_RATE", default_value_t = 20)]
    pub signin_rate: u32,
    /// API requests allowed per client per minute.
    #[arg(long, env = "UNGCUU_API_RATE", default_value_t = 600)]
    pub api_rate: u32,
    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For
    /// names the client for rate limits and lockouts; from anyone else the header is ignored.
    #[arg(long, env = "UNGCUU_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
}

// The variant names are the subcommands of API.md (`create-org`, …).
#[allow(clippy::enum_variant_names)]
#[derive(Subcommand, Debug)]
pub enum AdminCmd {
    /// Create an organisation; prints its id.
    CreateOrg {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "other")]
        kind: String,
        /// Parent organisation: id or exact name.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Create a user; without --password-stdin a random password is made and printed.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Organisation: id or exact name.
        #[arg(long)]
        org: String,
        /// admin, thuong_truc, doi_truong, doi_pho, thanh_vien, dau_moi, lanh_dao
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create an API token for an organisation; prints it once, on the last line.
    CreateToken {
        /// Organisation: id or exact name.
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Walk the audit hash chain; exits non-zero naming the first bad row.
    Verify,
}

pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("UNGCUU_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("UNGCUU_LOG_FORMAT").is_ok_and(|f| f == "text") {
        builder.init();
    } else {
        builder.json().with_current_span(false).init();
    }
}

/// Which command-line flag carries each field, so errors name what the operator typed.
const FLAGS: &[(&str, &str)] = &[
    ("org.name", "--name"),
    ("org.kind", "--kind"),
    ("org.parent", "--parent"),
    ("user.name", "--name"),
    ("user.email", "--email"),
    ("user.org", "--org"),
    ("user.role", "--role"),
    ("user.password", "--password-stdin"),
    ("token.name", "--name"),
    ("token.org", "--org"),
];

fn explain(e: AppError, lang: Lang) -> anyhow::Error {
    match e {
        AppError::Invalid(i) => {
            let lines: Vec<String> =
                i.0.iter()
                    .map(|f| {
                        let flag = FLAGS
                            .iter()
                            .find(|(k, _)| *k == f.field)
                            .map(|(_, fl)| *fl)
                            .unwrap_or("");
                        format!("{flag} {}", f.message(lang)).trim().to_string()
                    })
                    .collect();
            anyhow!("{}", lines.join("\n"))
        }
        AppError::NotFound => anyhow!("{}", ungcuu_domain::i18n::t(lang, "err.not_found")),
        e => anyhow!(e),
    }
}

async fn open(url: &str) -> anyhow::Result<App> {
    let db = Db::connect(url)
        .await
        .with_context(|| "không mở được cơ sở dữ liệu / cannot open the database")?;
    db.migrate().await.context("migrate")?;
    Ok(App::new(db, AppConfig::default()))
}

async fn org_id(app: &App, org: &str, flag: &str, lang: Lang) -> anyhow::Result<String> {
    match app.resolve_org(org).await {
        Ok(o) => Ok(o.id.to_string()),
        Err(AppError::NotFound) => bail!(
            "{flag} {org:?}: {}",
            ungcuu_domain::i18n::t(lang, "err.org_not_found")
        ),
        Err(e) => Err(explain(e, lang)),
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let lang = Lang::parse(&cli.lang).unwrap_or_default();
    match cli.cmd {
        Cmd::Serve(args) => serve(&cli.database_url, &cli.data_dir, *args).await,
        Cmd::Migrate => {
            let app = open(&cli.database_url).await?;
            println!("schema up to date ({:?})", app.db.backend());
            Ok(())
        }
        Cmd::Demo => {
            let app = open(&cli.database_url).await?;
            print_demo(&app).await
        }
        Cmd::Admin(cmd) => {
            let app = open(&cli.database_url).await?;
            admin(&app, cmd, lang).await
        }
        Cmd::Audit(AuditCmd::Verify) => {
            let app = open(&cli.database_url).await?;
            match app
                .verify_audit(&Actor::cli())
                .await
                .map_err(|e| explain(e, lang))?
            {
                Ok(n) => {
                    println!("audit chain intact: {n} rows");
                    Ok(())
                }
                Err(b) => bail!("{b}"),
            }
        }
        Cmd::Backup { file } => {
            let db = Db::connect(&cli.database_url).await?;
            let tmp = file.with_extension("partial");
            let mut out = std::io::BufWriter::new(
                std::fs::File::create(&tmp).with_context(|| format!("{}", tmp.display()))?,
            );
            let n = ungcuu_store::backup::backup(&db, &mut out).await?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            std::fs::rename(&tmp, &file)?;
            println!("backup written: {} ({n} rows)", file.display());
            Ok(())
        }
        Cmd::Import {
            kind,
            file,
            dry_run,
        } => {
            let app = open(&cli.database_url).await?;
            import(&app, &kind, &file, dry_run, lang).await
        }
        Cmd::Export { kind, file } => {
            let app = open(&cli.database_url).await?;
            export(&app, &kind, &file, lang).await
        }
        Cmd::Restore { file } => {
            let app = open(&cli.database_url).await?;
            let input = std::io::BufReader::new(
                std::fs::File::open(&file).with_context(|| format!("{}", file.display()))?,
            );
            let (mut tx, n) = ungcuu_store::backup::restore(&app.db, input).await?;
            let note = ungcuu_store::audit::NewAudit {
                actor_user_id: None,
                actor: "cli".into(),
                action: "system.restore".into(),
                object_type: "database".into(),
                object_id: "-".into(),
                before: None,
                after: Some(serde_json::json!({"file": file.display().to_string(), "rows": n})),
            };
            ungcuu_store::audit::append(&mut tx, note).await?;
            tx.commit().await?;
            match ungcuu_store::audit::verify(&app.db).await? {
                Ok(rows) => println!("restored {n} rows; audit chain intact ({rows} rows)"),
                Err(b) => bail!("restored {n} rows but the audit chain is broken: {b}"),
            }
            Ok(())
        }
    }
}

async fn admin(app: &App, cmd: AdminCmd, lang: Lang) -> anyhow::Result<()> {
    let cli = Actor::cli();
    match cmd {
        AdminCmd::CreateOrg { name, kind, parent } => {
            let parent_id = match parent {
                Some(p) => org_id(app, &p, "--parent", lang).await?,
                None => String::new(),
            };
            let org = app
                .create_org(
                    &cli,
                    &OrgInput {
                        name,
                        kind,
                        parent_id,
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| explain(e, lang))?;
            println!("{}", org.id);
        }
        AdminCmd::CreateUser {
            email,
            name,
            org,
            role,
            password_stdin,
        } => {
            let org_id = org_id(app, &org, "--org", lang).await?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (ungcuu_app::demo::random_password(), true)
            };
            let user = app
                .create_user(
                    &cli,
                    &UserInput {
                        name,
                        email,
                        org_id,
                        role,
                        password: password.clone(),
                    },
                )
                .await
                .map_err(|e| explain(e, lang))?;
            if generated {
                println!("password: {password}");
            }
            println!("{}", user.id);
        }
        AdminCmd::CreateToken { org, name } => {
            let org_id = org_id(app, &org, "--org", lang).await?;
            let (token, secret) = app
                .create_token(&cli, &TokenInput { name, org_id })
                .await
                .map_err(|e| explain(e, lang))?;
            println!("token id {} for {}", token.id, token.org_name);
            println!("{secret}");
        }
    }
    Ok(())
}

async fn print_demo(app: &App) -> anyhow::Result<()> {
    match app.load_demo().await.map_err(|e| explain(e, Lang::Vi))? {
        Some(s) => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "Đã nạp dữ liệu mẫu / demo loaded: {} tổ chức / organisations, {} hệ thống thông tin / information systems",
                s.orgs, s.systems
            )?;
            writeln!(
                out,
                "Mật khẩu mọi tài khoản mẫu / password of every demo account: {}",
                s.password
            )?;
            for u in &s.users {
                writeln!(out, "  {:<12} {:<36} {}", u.role, u.email, u.name)?;
            }
            Ok(())
        }
        None => {
            println!(
                "cơ sở dữ liệu đã có tổ chức: không nạp dữ liệu mẫu / the database already holds organisations: demo not loaded"
            );
            Ok(())
        }
    }
}

async fn serve(url: &str, data_dir: &std::path::Path, args: ServeArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    std::fs::create_dir_all(data_dir).with_context(|| format!("{}", data_dir.display()))?;
    let db = Db::connect(url)
        .await
        .context("không mở được cơ sở dữ liệu / cannot open the database")?;
    db.migrate().await.context("migrate")?;
    let cfg = AppConfig {
        session_idle: chrono::Duration::hours(args.session_ttl_hours.max(1) as i64),
        session_absolute: chrono::Duration::days(args.session_max_days.max(1) as i64),
        files: ungcuu_files::FileStore::configured(
            args.object_store_url.as_deref(),
            args.files_dir
                .clone()
                .unwrap_or_else(|| data_dir.join("files")),
        )
        .context("UNGCUU_OBJECT_STORE_URL")?,
        attachment_max_bytes: args.attachment_max_bytes,
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.listen)),
        report_days: args.report_days.max(1),
        issuing_body: ungcuu_app::documents::IssuingBody {
            parent: Some(args.issuing_parent.trim().to_string()).filter(|p| !p.is_empty()),
            name: args.issuing_name.trim().to_string(),
            code: args.issuing_code.trim().to_string(),
            place: args.issuing_place.trim().to_string(),
        },
        ..AppConfig::default()
    };
    let app = App::new(db, cfg);
    // Fonts and the document template are parsed once, off the request path and without
    // holding up readiness.
    tokio::task::spawn_blocking(ungcuu_app::documents::warm_up_renderer);
    if args.demo {
        print_demo(&app).await?;
    }
    if let Some((email, password)) = app
        .ensure_first_admin()
        .await
        .map_err(|e| explain(e, Lang::Vi))?
    {
        println!(
            "Tài khoản quản trị đầu tiên / first administrator: {email}  mật khẩu / password: {password}"
        );
    }
    let mail = crate::gateway::start(
        &app,
        crate::gateway::MailSettings {
            listen: args.smtp_listen.clone(),
            relay: args.smtp_relay.clone(),
            max_bytes: args.smtp_max_bytes,
            from: args.smtp_from.clone(),
            retry_secs: args.smtp_retry_secs,
            imap_url: args.imap_url.clone(),
            imap_poll_secs: args.imap_poll_secs,
        },
    )
    .await?;
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let trusted = args
        .trusted_proxies
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            ungcuu_domain::system::IpNet::parse("trusted_proxies", s).map_err(|_| {
                anyhow::anyhow!(
                    "--trusted-proxies (UNGCUU_TRUSTED_PROXIES): \"{}\" không phải địa chỉ IP hay dải CIDR / is not an IP address or CIDR network",
                    s.trim()
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let state = ungcuu_web::AppState::new(
        app.clone(),
        args.secure_cookies,
        ungcuu_web::Limits {
            signin_per_minute: args.signin_rate,
            api_per_minute: args.api_rate,
        },
    )
    .with_trusted_proxies(trusted);
    let sweeper = tokio::spawn(sweep_sessions(app.db.clone()));
    let indexer = tokio::spawn(index_search(app.db.clone()));
    tracing::info!(listen = %args.listen, backend = ?app.db.backend(), startup_ms = started.elapsed().as_millis() as u64, "ready");
    println!("ungcuu: http://{}", args.listen);
    ungcuu_web::serve(listener, state, shutdown_signal()).await?;
    mail.stop().await;
    sweeper.abort();
    indexer.abort();
    app.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Every ten minutes: removes expired sessions and refreshes the query planner's statistics.
async fn sweep_sessions(db: Db) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        match ungcuu_store::accounts::sessions::purge_expired(&db, chrono::Utc::now()).await {
            Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "session sweep failed"),
        }
        if let Err(e) = db.optimize().await {
            tracing::warn!(error = %e, "planner statistics not refreshed");
        }
    }
}

/// Reports waiting for the search index (SQLite), a batch at a time: twice a second, and at
/// once again while a whole batch was taken. Filing a report never waits for this.
async fn index_search(db: Db) {
    const BATCH: i64 = 256;
    if db.backend() != ungcuu_store::Backend::Sqlite {
        return;
    }
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            match ungcuu_store::intake::reports::index_pending(&db, BATCH).await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "search index not brought up to date; trying again");
                    break;
                }
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn import_kind(kind: &str) -> anyhow::Result<ungcuu_app::registry::import::Kind> {
    kind.parse()
        .map_err(|()| anyhow!("KIND {kind:?}: orgs, systems, roster"))
}

fn import_format(
    file: &std::path::Path,
    lang: Lang,
) -> anyhow::Result<ungcuu_app::registry::import::Format> {
    ungcuu_app::registry::import::Format::from_file_name(&file.to_string_lossy()).ok_or_else(|| {
        anyhow!(
            "{}: {}",
            file.display(),
            ungcuu_domain::i18n::t(lang, "import.err.format")
        )
    })
}

/// A progress bar on standard error, drawn only when that is a terminal.
struct Bar {
    bar: indicatif::ProgressBar,
    lang: Lang,
}

impl Bar {
    fn new(lang: Lang) -> Bar {
        use std::io::IsTerminal;
        let target = if std::io::stderr().is_terminal() {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        };
        Bar {
            bar: indicatif::ProgressBar::with_draw_target(Some(0), target),
            lang,
        }
    }
}

impl ungcuu_app::registry::import::Progress for Bar {
    fn stage(&self, stage: ungcuu_app::registry::import::Stage, total: u64) {
        let template = if stage == ungcuu_app::registry::import::Stage::Reading {
            "{msg:>10} [{bar:40}] {bytes}/{total_bytes}"
        } else {
            "{msg:>10} [{bar:40}] {human_pos}/{human_len} ({eta})"
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar
            .set_message(ungcuu_domain::i18n::t(self.lang, stage.label_key()));
        self.bar.set_length(total);
        self.bar.set_position(0);
    }

    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `ungcuu import KIND FILE [--dry-run]`: the report on stdout when the file is good; every
/// bad row ("dòng 7, cột Tên miền: …") and a non-zero exit when it is not.
async fn import(
    app: &App,
    kind: &str,
    file: &std::path::Path,
    dry_run: bool,
    lang: Lang,
) -> anyhow::Result<()> {
    use ungcuu_domain::i18n::t;
    let kind = import_kind(kind)?;
    let format = import_format(file, lang)?;
    let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
    let bar = Bar::new(lang);
    let report = app
        .import(&Actor::cli(), kind, format, bytes, dry_run, lang, &bar)
        .await
        .map_err(|e| explain(e, lang))?;
    if !report.ok() {
        let mut lines =
            vec![t(lang, "import.result.refused").replace("{n}", &report.errors.len().to_string())];
        for e in &report.errors {
            lines.push(match (e.line, e.column.is_empty()) {
                (0, _) => t(lang, "import.cli.file_error").replace("{message}", &e.message),
                (l, true) => format!("{} {l}: {}", t(lang, "import.col.line"), e.message),
                (l, false) => t(lang, "import.cli.error_line")
                    .replace("{line}", &l.to_string())
                    .replace("{column}", &e.column)
                    .replace("{message}", &e.message),
            });
        }
        bail!("{}", lines.join("\n"));
    }
    let summary = if report.rows_total == 0 {
        t(lang, "import.result.nothing").to_string()
    } else if dry_run {
        t(lang, "import.result.dry_ok").replace("{n}", &report.rows_total.to_string())
    } else {
        t(lang, "import.result.created").replace("{n}", &report.created.to_string())
    };
    println!("{summary}");
    Ok(())
}

/// `ungcuu export KIND FILE`: the list in the template's columns, format from the extension.
async fn export(app: &App, kind: &str, file: &std::path::Path, lang: Lang) -> anyhow::Result<()> {
    let kind = import_kind(kind)?;
    let format = import_format(file, lang)?;
    let out = app
        .export(&Actor::cli(), kind, format)
        .await
        .map_err(|e| explain(e, lang))?;
    std::fs::write(file, &out.bytes).with_context(|| format!("{}", file.display()))?;
    println!(
        "{}",
        ungcuu_domain::i18n::t(lang, "import.cli.exported")
            .replace("{n}", &out.rows.to_string())
            .replace("{file}", &file.display().to_string())
    );
    Ok(())
}
