//! Group commit: concurrent writers share one durable commit.
//!
//! A report is acknowledged only after a durable commit (synchronous=FULL on SQLite, fsync on
//! PostgreSQL), and every change appends to the audit hash chain, whose head row serialises
//! writers. One transaction per report therefore costs one disk flush per report, whatever the
//! number of clients. Here, writes that arrive while a commit is in flight wait, and the next
//! batch runs all of them in one transaction, then commits once, and no job learns of success
//! before the commit that made it durable. Jobs rarely fail, so a batch first runs without
//! savepoints; if one fails, the batch is rolled back and run again with each job inside its own
//! SAVEPOINT, where the failing one rolls back to it and gets its own error while the others
//! proceed. A job may therefore run twice and must only touch the database.
//!
//! There is no artificial delay: a lone writer is committed at once, and a batch is exactly
//! what queued up during the previous flush (at most [`MAX_BATCH`] jobs). On PostgreSQL a few
//! batches run side by side on their own connections (lanes); the audit rows are chained at
//! commit, so only their commits take turns.
//!
//! The queue lives inside the [`Db`] (made by [`Db::connect`], shared by its clones) rather
//! than in a value the caller must thread through, so every `App` and every handler sharing a
//! [`Db`] shares its batches, and a queue ends with its pools. The batch runs on its own task,
//! so a caller that goes away (a client hanging up) does not cancel the others' commit.

use crate::db::{Backend, Db, Tx, on_tx};
use crate::error::{StoreError, StoreResult};
use futures::FutureExt;
/// The future a job returns (re-exported so callers need no `futures` of their own).
pub use futures::future::BoxFuture;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The most jobs in one transaction: bounds how long the write lock is held and how much one
/// failed commit can take with it. Below 64 because PostgreSQL caches 64 subtransaction ids
/// per backend (one per savepoint that wrote); past that every other session's snapshots get
/// slower.
pub const MAX_BATCH: usize = 32;

/// One unit of work: runs against the batch's transaction and must append its audit row.
/// Its error type is the caller's (the app's, say), so a rule broken half-way through rolls
/// the job back like a database error does. It may be run a second time (see the module
/// notes), so it touches nothing but the transaction.
pub type Job<T, E> = Box<dyn for<'a> Fn(&'a mut Tx) -> BoxFuture<'a, Result<T, E>> + Send>;

/// A job with its result type erased, so one queue carries every kind of job.
trait Erased: Send {
    /// Runs the job; its result is kept inside until [`Erased::finish`]. `true` on success.
    /// With `write`, the rows it buffered are written before it counts as done, so that their
    /// failure is its own.
    fn run<'a>(&'a mut self, tx: &'a mut Tx, write: bool) -> BoxFuture<'a, bool>;
    /// Answers the waiter: the job's own result once `committed` is `Ok`, its own error if it
    /// failed, or the commit's failure.
    fn finish(self: Box<Self>, committed: Result<(), &StoreError>);
}

struct Typed<T, E> {
    job: Job<T, E>,
    out: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<T, E> Erased for Typed<T, E>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run<'a>(&'a mut self, tx: &'a mut Tx, write: bool) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            tx.audited = false;
            // A panicking job must not take the batch (or the queue) down with it.
            let out = match AssertUnwindSafe((self.job)(tx)).catch_unwind().await {
                Ok(r) => r,
                Err(_) => Err(StoreError::Db(sqlx::Error::Protocol(
                    "a write job panicked; its changes were rolled back".into(),
                ))
                .into()),
            };
            let out = match out {
                // Same rule as `Tx::commit`: no change without its audit row.
                Ok(_) if !tx.audited => Err(StoreError::Unaudited.into()),
                Ok(v) if write => tx.write_deferred().await.map(|_| v).map_err(E::from),
                o => o,
            };
            let ok = out.is_ok();
            self.out = Some(out);
            ok
        })
    }

    fn finish(self: Box<Self>, committed: Result<(), &StoreError>) {
        let answer = match (self.out, committed) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(e)) => Err(copy(e).into()),
            (None, _) => Err(StoreError::Db(sqlx::Error::Protocol(
                "a write job was never run".into(),
            ))
            .into()),
        };
        // The waiter may have gone (client hung up): its write stands, nobody to tell.
        let _ = self.reply.send(answer);
    }
}

/// One commit failure told to every job of the batch (`StoreError` is not `Clone`).
fn copy(e: &StoreError) -> StoreError {
    match e {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Unique(s) => StoreError::Unique(s.clone()),
        StoreError::Unaudited => StoreError::Unaudited,
        e => StoreError::Db(sqlx::Error::Protocol(format!("group commit failed: {e}"))),
    }
}

#[derive(Default)]
struct Queue {
    pending: Vec<Box<dyn Erased>>,
    /// Batch tasks draining the queue; while all lanes are busy new jobs just wait for one.
    running: usize,
}

struct Shared {
    queue: Mutex<Queue>,
    /// How many batches may be open at once.
    lanes: usize,
    commits: AtomicU64,
    jobs: AtomicU64,
}

impl Shared {
    fn new(lanes: usize) -> Self {
        Shared {
            queue: Mutex::default(),
            lanes: lanes.max(1),
            commits: AtomicU64::new(0),
            jobs: AtomicU64::new(0),
        }
    }
}

/// Batches open at once. SQLite has one writer, so one. PostgreSQL runs several: each batch's
/// work overlaps the others', and only their commits take turns at the audit chain's head
/// (see [`crate::audit::append`]), so the round trips of one connection no longer bound
/// intake. Four, not more: a batch has fixed statements (begin, recipients, the buffered rows,
/// the chain, commit), and with 16 clients eight lanes split them into batches of two; four
/// took 6–24% less CPU per report and filed more in each of four paired runs (two lanes left
/// the machine idle, waiting on commits).
fn lanes(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 4,
    }
}

/// A database's group-commit queue, held in its [`Db`]: one per [`Db::connect`], so two
/// handles opened separately (even on the same database) never share a batch.
#[derive(Clone)]
pub struct CommitQueue(Arc<Shared>);

impl CommitQueue {
    pub(crate) fn new(backend: Backend) -> CommitQueue {
        CommitQueue(Arc::new(Shared::new(lanes(backend))))
    }
}

/// The group committer of one database.
#[derive(Clone)]
pub struct GroupCommitter {
    db: Db,
    shared: Arc<Shared>,
}

impl GroupCommitter {
    /// The committer shared by every user of `db` and its clones.
    pub fn of(db: &Db) -> GroupCommitter {
        GroupCommitter {
            db: db.clone(),
            shared: db.commit_queue().0.clone(),
        }
    }

    /// A committer of its own with `lanes` batches open at most (tests that need to know
    /// which jobs share a batch use one lane).
    pub fn with_lanes(db: &Db, lanes: usize) -> GroupCommitter {
        GroupCommitter {
            db: db.clone(),
            shared: Arc::new(Shared::new(lanes)),
        }
    }

    /// Runs `job` in the next batch; its result comes back only after that batch committed
    /// durably. The job must append its audit row (else [`StoreError::Unaudited`]) and must
    /// not commit or roll back itself.
    pub async fn run<T, E, F>(&self, job: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'a> Fn(&'a mut Tx) -> BoxFuture<'a, Result<T, E>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Erased> = Box::new(Typed {
            job: Box::new(job) as Job<T, E>,
            out: None,
            reply,
        });
        let start = {
            let mut q = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.pending.push(job);
            let start = q.running < self.shared.lanes;
            if start {
                q.running += 1;
            }
            start
        };
        if start {
            tokio::spawn(drain(self.db.clone(), self.shared.clone()));
        }
        answer.await.unwrap_or_else(|_| {
            Err(StoreError::Db(sqlx::Error::Protocol(
                "the group commit task stopped before answering".into(),
            ))
            .into())
        })
    }

    /// Commits made so far and jobs they carried (for tests and the benchmark).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.shared.commits.load(Ordering::Relaxed),
            self.shared.jobs.load(Ordering::Relaxed),
        )
    }
}

/// Shorthand for [`GroupCommitter::of`]`(db).run(job)`.
pub async fn run<T, E, F>(db: &Db, job: F) -> Result<T, E>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: for<'a> Fn(&'a mut Tx) -> BoxFuture<'a, Result<T, E>> + Send + 'static,
{
    GroupCommitter::of(db).run(job).await
}

/// Commits batches until the queue is empty: one lane.
async fn drain(db: Db, shared: Arc<Shared>) {
    loop {
        let batch: Vec<Box<dyn Erased>> = {
            let mut q = shared.queue.lock().unwrap_or_else(|p| p.into_inner());
            if q.pending.is_empty() {
                q.running -= 1;
                return;
            }
            let n = q.pending.len().min(MAX_BATCH);
            q.pending.drain(..n).collect()
        };
        shared.jobs.fetch_add(batch.len() as u64, Ordering::Relaxed);
        shared.commits.fetch_add(1, Ordering::Relaxed);
        commit_batch(&db, batch).await;
    }
}

async fn exec(tx: &mut Tx, sql: &'static str) -> StoreResult<()> {
    on_tx!(tx, c => {
        sqlx::query(sql).execute(&mut *c).await?;
    });
    Ok(())
}

async fn commit_batch(db: &Db, mut batch: Vec<Box<dyn Erased>>) {
    // First without savepoints (a lone job needs none: its failure is the transaction's);
    // after a failure, once more with one per job.
    let mut result = run_batch(db, &mut batch, false).await;
    if let Ok(false) = result {
        result = run_batch(db, &mut batch, true).await;
    }
    if let Err(e) = result {
        for job in batch {
            job.finish(Err(&e));
        }
    }
}

/// Runs `batch` in one transaction and answers every job (`Ok(true)`). With `savepoints`, each
/// job runs in its own: a failed job is rolled back alone and the others are committed.
/// Without, the first failure of a batch of several rolls everything back and nobody is
/// answered yet (`Ok(false)`); a lone job's failure is its answer. `Err`: the database failed
/// the batch; nobody is answered.
async fn run_batch(
    db: &Db,
    batch: &mut Vec<Box<dyn Erased>>,
    savepoints: bool,
) -> StoreResult<bool> {
    let mut tx = db.begin().await?;
    // Each job opens a savepoint of the same name (the newest shadows the older ones) and a
    // success needs no RELEASE: the commit releases them all. One round trip per job, not two.
    // The notices and mails the jobs buffer are written once for the whole batch; a lone job
    // or one in its own savepoint writes its own, so their failure is its answer.
    let write_each = savepoints || batch.len() == 1;
    let mut any_ok = false;
    for job in batch.iter_mut() {
        if savepoints && let Err(e) = exec(&mut tx, "SAVEPOINT ungcuu_group").await {
            let _ = tx.rollback().await;
            return Err(e);
        }
        // A job rolled back takes its buffered rows with it.
        let mark = tx.mark();
        let ok = job.run(&mut tx, write_each).await;
        if !ok && !savepoints {
            let _ = tx.rollback().await;
            // A lone job's failure is its answer; a batch's is a reason to run it again.
            if batch.len() == 1 {
                let job = batch.pop().expect("one job");
                job.finish(Ok(()));
                return Ok(true);
            }
            return Ok(false);
        }
        if !ok {
            tx.forget_since(mark);
            if let Err(e) = exec(&mut tx, "ROLLBACK TO SAVEPOINT ungcuu_group").await {
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
        any_ok |= ok;
    }
    // Rows a job buffered but that cannot be written: run again, each job on its own.
    if !write_each && tx.write_deferred().await.is_err() {
        let _ = tx.rollback().await;
        return Ok(false);
    }
    let committed = if any_ok {
        // Every successful job audited itself (checked in `run`).
        tx.audited = true;
        tx.commit().await
    } else {
        tx.rollback().await
    };
    for job in batch.drain(..) {
        job.finish(committed.as_ref().map(|_| ()));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{self, NewAudit};
    use crate::db::on_db;
    use crate::testing::TestDb;

    fn note(id: usize) -> NewAudit {
        NewAudit {
            actor_user_id: None,
            actor: "test".into(),
            action: "report.file".into(),
            object_type: "report".into(),
            object_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({"mô tả": "mã độc đòi tiền chuộc"})),
        }
    }

    /// A change of its own: one audit row (the chain is what every writer shares). Answers
    /// with its own number, so each caller can tell its answer is its own.
    async fn file(tx: &mut Tx, i: usize) -> StoreResult<i64> {
        audit::append(tx, note(i)).await?;
        Ok(i as i64)
    }

    async fn exec_in(tx: &mut Tx, sql: &'static str) -> StoreResult<()> {
        on_tx!(tx, c => {
            sqlx::query(sql).execute(&mut *c).await?;
        });
        Ok(())
    }

    /// Starts a job (filing "0") that waits for the returned gate, so that its batch stays open
    /// and the jobs started meanwhile queue for the next one.
    async fn hold_first_batch(
        g: &GroupCommitter,
    ) -> (
        Arc<tokio::sync::Notify>,
        tokio::task::JoinHandle<StoreResult<i64>>,
    ) {
        let gate = Arc::new(tokio::sync::Notify::new());
        let hold = {
            let (g, gate) = (g.clone(), gate.clone());
            tokio::spawn(async move {
                g.run(move |tx| {
                    let gate = gate.clone();
                    Box::pin(async move {
                        gate.notified().await;
                        file(tx, 0).await
                    })
                })
                .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        (gate, hold)
    }

    /// Runs jobs 1..=n in one batch (queued behind a held first one), counting every run of
    /// every job: their answers in order, and how many runs they took in all.
    async fn one_batch<F>(g: &GroupCommitter, n: usize, job: F) -> (Vec<StoreResult<i64>>, usize)
    where
        F: for<'a> Fn(&'a mut Tx, usize) -> BoxFuture<'a, StoreResult<i64>>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        let (gate, hold) = hold_first_batch(g).await;
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (1..=n)
            .map(|i| {
                let (g, runs, job) = (g.clone(), runs.clone(), job.clone());
                tokio::spawn(async move {
                    g.run(move |tx| {
                        runs.fetch_add(1, Ordering::Relaxed);
                        job(tx, i)
                    })
                    .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        gate.notify_one();
        assert_eq!(hold.await.unwrap().unwrap(), 0);
        let results = futures::future::join_all(tasks)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        (results, runs.load(Ordering::Relaxed))
    }

    async fn objects(t: &TestDb) -> Vec<String> {
        on_db!(&t.db, c => sqlx::query_scalar("SELECT object_id FROM audit_log ORDER BY seq").fetch_all(c).await.unwrap())
    }

    #[tokio::test]
    async fn concurrent_jobs_share_commits_and_each_gets_its_own_result() {
        for t in TestDb::both().await {
            // One lane (batches are what queued up meanwhile), then the database's own
            // committer (several lanes on PostgreSQL): the chain stays whole either way.
            for (round, g) in [
                GroupCommitter::with_lanes(&t.db, 1),
                GroupCommitter::of(&t.db),
            ]
            .into_iter()
            .enumerate()
            {
                let mut tasks = Vec::new();
                for i in 0..40 {
                    let g = g.clone();
                    tasks.push(tokio::spawn(async move {
                        g.run(move |tx| Box::pin(file(tx, i))).await
                    }));
                }
                for (i, task) in tasks.into_iter().enumerate() {
                    assert_eq!(task.await.unwrap().unwrap(), i as i64, "{}", t.name);
                }
                let (commits, jobs) = g.counts();
                assert_eq!(jobs, 40);
                if round == 0 {
                    assert!(commits < 40, "{}: {commits} commits for 40 jobs", t.name);
                }
                let rows = 40 * (round as u64 + 1);
                assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(rows), "{}", t.name);
            }
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_failing_job_is_rolled_back_alone_and_gets_its_own_error() {
        for t in TestDb::both().await {
            let g = GroupCommitter::with_lanes(&t.db, 1);
            let (results, _) = one_batch(&g, 6, |tx, i| {
                Box::pin(async move {
                    match i {
                        // Audited, then a real constraint violation, which aborts the whole
                        // transaction on PostgreSQL.
                        2 => {
                            file(tx, i).await?;
                            exec_in(tx, "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '')").await?;
                            Ok(0)
                        }
                        // Audited, then fails: its audit row must go too.
                        3 => {
                            file(tx, i).await?;
                            Err(StoreError::NotFound)
                        }
                        // A change without an audit row (it would break the chain).
                        4 => {
                            exec_in(tx, "UPDATE audit_log SET actor = 'forged'").await?;
                            Ok(0)
                        }
                        5 => panic!("a bug in a job"),
                        _ => file(tx, i).await,
                    }
                })
            })
            .await;
            assert_eq!(results[0].as_ref().ok(), Some(&1), "{}", t.name);
            assert!(
                matches!(results[1], Err(StoreError::Unique(_))),
                "{}: {:?}",
                t.name,
                results[1]
            );
            assert!(matches!(results[2], Err(StoreError::NotFound)));
            assert!(matches!(results[3], Err(StoreError::Unaudited)));
            assert!(results[4].is_err());
            assert_eq!(results[5].as_ref().ok(), Some(&6), "{}", t.name);
            assert_eq!(objects(&t).await, ["0", "1", "6"], "{}", t.name);
            assert_eq!(g.counts(), (2, 7), "{}", t.name);
            assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(3), "{}", t.name);
            t.cleanup().await;
        }
    }

    /// A batch runs once without savepoints; only a failure in it runs the jobs again.
    #[tokio::test]
    async fn a_batch_runs_again_with_savepoints_only_when_a_job_fails() {
        for t in TestDb::both().await {
            let g = GroupCommitter::with_lanes(&t.db, 1);
            for failing in [false, true] {
                let (results, runs) = one_batch(&g, 3, move |tx, i| {
                    Box::pin(async move {
                        let n = file(tx, i).await?;
                        if failing && i == 2 {
                            return Err(StoreError::NotFound);
                        }
                        Ok(n)
                    })
                })
                .await;
                let results: Vec<_> = results.into_iter().map(Result::ok).collect();
                if failing {
                    assert_eq!(results, [Some(1), None, Some(3)], "{}", t.name);
                    // The first pass stops at the failure (1, 2), the second runs all three.
                    assert_eq!(runs, 5, "{}", t.name);
                } else {
                    assert_eq!(results, [Some(1), Some(2), Some(3)], "{}", t.name);
                    assert_eq!(runs, 3, "{}", t.name);
                }
            }
            // 0,1,2,3 then 0,1,3: the failed job's report and audit row are gone.
            assert_eq!(
                objects(&t).await,
                ["0", "1", "2", "3", "0", "1", "3"],
                "{}",
                t.name
            );
            assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(7), "{}", t.name);
            t.cleanup().await;
        }
    }

    /// Notices and mails are written once per batch; when that write fails, the batch runs
    /// again with each job writing its own, so only the job whose rows are bad fails.
    #[tokio::test]
    async fn buffered_rows_are_written_per_batch_and_a_bad_one_fails_its_job_alone() {
        use crate::{notifications, outbox};
        for t in TestDb::both().await {
            let g = GroupCommitter::with_lanes(&t.db, 1);
            let (results, runs) = one_batch(&g, 4, |tx, i| {
                Box::pin(async move {
                    let n = file(tx, i).await?;
                    outbox::enqueue(tx, "mail", &[serde_json::json!({"n": i})]).await?;
                    if i == 2 {
                        // Nobody has this id: the foreign key fails, but only on write.
                        let params = serde_json::json!({});
                        notifications::insert(tx, &[999_999], "report.new", None, &params).await?;
                    }
                    Ok(n)
                })
            })
            .await;
            let results: Vec<_> = results.into_iter().map(Result::ok).collect();
            assert_eq!(results, [Some(1), None, Some(3), Some(4)], "{}", t.name);
            // Four jobs ran, the batch's write failed, and all four ran again.
            assert_eq!(runs, 8, "{}", t.name);
            let mails: Vec<String> = on_db!(&t.db, c => sqlx::query_scalar(
                "SELECT payload FROM outbox ORDER BY id").fetch_all(c).await.unwrap());
            assert_eq!(
                mails,
                [r#"{"n":1}"#, r#"{"n":3}"#, r#"{"n":4}"#],
                "{}",
                t.name
            );
            let notices: i64 = on_db!(&t.db, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications").fetch_one(c).await.unwrap());
            assert_eq!(notices, 0, "{}", t.name);
            assert_eq!(objects(&t).await, ["0", "1", "3", "4"], "{}", t.name);
            assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(4), "{}", t.name);
            t.cleanup().await;
        }
    }

    /// The queue is the `Db`'s: its clones share it, and a `Db` connected again to the same
    /// database (as after a restart, or in place of a closed one) starts with its own.
    #[tokio::test]
    async fn clones_of_a_db_share_its_queue_and_another_connection_has_its_own() {
        for t in TestDb::both().await {
            let clone = t.db.clone();
            assert_eq!(run(&clone, |tx| Box::pin(file(tx, 1))).await.unwrap(), 1);
            assert_eq!(GroupCommitter::of(&t.db).counts(), (1, 1), "{}", t.name);
            let other = Db::connect(&t.url).await.unwrap();
            assert_eq!(GroupCommitter::of(&other).counts(), (0, 0), "{}", t.name);
            assert_eq!(run(&other, |tx| Box::pin(file(tx, 2))).await.unwrap(), 2);
            assert_eq!(GroupCommitter::of(&other).counts(), (1, 1), "{}", t.name);
            assert_eq!(GroupCommitter::of(&t.db).counts(), (1, 1), "{}", t.name);
            other.close().await;
            assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(2), "{}", t.name);
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn a_lone_failing_job_commits_nothing_and_the_queue_goes_on() {
        for t in TestDb::both().await {
            let r: StoreResult<i64> = run(&t.db, |tx| {
                Box::pin(async move {
                    exec_in(tx, "UPDATE audit_head SET last_seq = 99").await?;
                    Ok(1)
                })
            })
            .await;
            assert!(matches!(r, Err(StoreError::Unaudited)));
            assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(0), "{}", t.name);
            assert_eq!(run(&t.db, |tx| Box::pin(file(tx, 7))).await.unwrap(), 7);
            assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(1), "{}", t.name);
            t.cleanup().await;
        }
    }
}
