//! Views one click away, computed while the app is idle. After a view is shown, the UI names the
//! rule sets a click would show next (the presets); one background thread, at the lowest
//! priority and on one core, computes their views into the loaded data's kept views, so that
//! flipping presets on a large project redraws at once. A newer request replaces what is left
//! of an older one, and a request whose data the workspace has dropped (after an import, or for
//! another project) ends. A failure ends only the view it was computing: the same failure shows
//! when the user asks for that view.

use std::sync::mpsc::{self, Receiver, SendError, Sender};
use std::sync::{Mutex, PoisonError, Weak};

use sessionlens_core::sessionize::RuleSet;
use sessionlens_core::time::DateRange;

use crate::analysis::{DashboardView, DiscrepancyView, LoadedData, ViewKind};
use crate::priority;

/// Views to compute ahead: `kind` under each of `rules` over `range`, in that order.
pub struct Prefetch {
    pub data: Weak<LoadedData>,
    pub kind: ViewKind,
    pub rules: Vec<RuleSet>,
    pub range: Option<DateRange>,
}

/// Hands requests to the background thread, which it starts on the first one.
#[derive(Default)]
pub struct Prefetcher {
    worker: Mutex<Option<Sender<Prefetch>>>,
}

impl Prefetcher {
    /// Queues `request` and returns at once.
    pub fn request(&self, request: Prefetch) {
        let mut worker = self.worker.lock().unwrap_or_else(PoisonError::into_inner);
        let request = match worker.as_ref() {
            Some(sender) => match sender.send(request) {
                Ok(()) => return,
                // The thread is gone (it could not start, or it panicked): start another.
                Err(SendError(unsent)) => unsent,
            },
            None => request,
        };
        let sender = start_worker();
        // Fails only when the thread could not start; the next request tries again.
        let _ = sender.send(request);
        *worker = Some(sender);
    }
}

fn start_worker() -> Sender<Prefetch> {
    let (sender, requests) = mpsc::channel();
    // Without the thread its receiver is dropped, and the next request sees that.
    let _ = std::thread::Builder::new().name("prefetch".into()).spawn(move || work(&requests));
    sender
}

/// Computes the views of each request, newest request first, until the app ends.
fn work(requests: &Receiver<Prefetch>) {
    priority::lower_this_thread(19);
    // One thread, which inherits this one's priority: the other core stays free for what the
    // user asks for meanwhile.
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() else { return };
    let newest = |first: Prefetch| requests.try_iter().last().unwrap_or(first);
    let mut next = requests.recv().ok().map(newest);
    while let Some(request) = next.take() {
        for rules in &request.rules {
            if let Ok(newer) = requests.try_recv() {
                next = Some(newest(newer));
                break;
            }
            let Some(data) = request.data.upgrade() else { break };
            let _ = pool.install(|| match request.kind {
                ViewKind::Dashboard => data.prefetch::<DashboardView>(rules, request.range),
                ViewKind::Discrepancy => data.prefetch::<DiscrepancyView>(rules, request.range),
            });
        }
        if next.is_none() {
            next = requests.recv().ok().map(newest);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use sessionlens_core::sessionize::Preset;
    use sessionlens_core::Project;

    use super::*;

    #[test]
    fn the_views_asked_for_are_computed_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::open(crate::demo::ensure_project(dir.path()).unwrap()).unwrap();
        let data = Arc::new(LoadedData::load(&project).unwrap());
        let shown = RuleSet::preset(Preset::Ga4);
        let sessions = data.sessions(&shown).unwrap();
        let presets = [Preset::UniversalAnalytics, Preset::Adobe].map(RuleSet::preset);

        let prefetcher = Prefetcher::default();
        // A request for data dropped meanwhile ends; the next one is still served.
        let dropped = Arc::new(LoadedData::load(&project).unwrap());
        let request = |data: &Arc<LoadedData>, kind| Prefetch {
            data: Arc::downgrade(data),
            kind,
            rules: presets.to_vec(),
            range: None,
        };
        prefetcher.request(request(&dropped, ViewKind::Discrepancy));
        drop(dropped);
        prefetcher.request(request(&data, ViewKind::Dashboard));

        let deadline = Instant::now() + Duration::from_secs(120);
        while !presets.iter().all(|rules| data.is_kept::<DashboardView>(rules, None)) {
            assert!(Instant::now() < deadline, "the prefetched dashboards never came");
            std::thread::sleep(Duration::from_millis(20));
        }
        let ua = data.view::<DashboardView>(&presets[0], None).unwrap();
        assert!(Arc::ptr_eq(&sessions, &data.sessions(&shown).unwrap()), "the shown rules' sessions stay kept");
        let fresh = Arc::new(LoadedData::load(&project).unwrap());
        let computed = fresh.view::<DashboardView>(&presets[0], None).unwrap();
        assert_eq!((&ua.kpis, &ua.over_time_svg), (&computed.kpis, &computed.over_time_svg));
    }
}
