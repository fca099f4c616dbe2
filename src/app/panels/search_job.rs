//! A search on a worker thread with progress and Cancel, as the design window and the
//! yardstick run the arrangement optimiser ([`crate::design::Progress`]).

use crate::design::Progress;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

/// One search running on its own thread.
pub struct SearchJob<T> {
    progress: Arc<Progress>,
    rx: Receiver<T>,
    pub started: Instant,
    /// The plan revision it searches.
    pub revision: u64,
}

/// What [`SearchJob::poll`] finds.
pub enum Polled<T> {
    Running,
    Done(T),
    /// The thread ended without an answer.
    Lost,
}

impl<T: Send + 'static> SearchJob<T> {
    /// Runs `search` on a new thread; the UI is repainted when it ends.
    pub fn spawn(
        ctx: &egui::Context,
        revision: u64,
        search: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> Self {
        let progress = Arc::new(Progress::default());
        let p = Arc::clone(&progress);
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(search(&p));
            repaint.request_repaint();
        });
        SearchJob {
            progress,
            rx,
            started: Instant::now(),
            revision,
        }
    }

    /// The answer, when it is there.
    pub fn poll(&self) -> Polled<T> {
        match self.rx.try_recv() {
            Ok(t) => Polled::Done(t),
            Err(TryRecvError::Empty) => Polled::Running,
            Err(TryRecvError::Disconnected) => Polled::Lost,
        }
    }

    /// (done, total) so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.progress.done.load(Ordering::Relaxed),
            self.progress.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the search to stop; returns how far it got.
    pub fn cancel(&self) -> (usize, usize) {
        self.progress.cancel.store(true, Ordering::Relaxed);
        self.counts()
    }

    /// A progress bar "Searching… done/total {unit}" and a Cancel button; returns
    /// whether Cancel was clicked.
    pub fn progress_ui(&self, ui: &mut egui::Ui, unit: &str) -> bool {
        let (done, total) = self.counts();
        let f = if total > 0 {
            done as f32 / total as f32
        } else {
            0.0
        };
        ui.add(
            egui::ProgressBar::new(f)
                .desired_width(320.0)
                .text(format!("Searching… {done}/{total} {unit}")),
        );
        ui.button("Cancel").clicked()
    }
}
