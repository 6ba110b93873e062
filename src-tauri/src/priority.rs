//! Background work at a lower scheduling priority, so the window's own threads keep drawing.
//! On Linux the priority (nice value) belongs to each thread and is inherited by the threads it
//! starts; elsewhere it is left as it is.

/// Runs `work` on a new thread whose priority is lowered by `by` nice steps, and waits for it.
pub fn at_low_priority<T: Send>(by: i32, work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            lower_this_thread(by);
            work()
        });
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Lowers the calling thread's priority by `by` nice steps (to 19 at most, the lowest).
pub fn lower_this_thread(by: i32) {
    #[cfg(target_os = "linux")]
    // SAFETY: get/setpriority only read their integer arguments; failing leaves the priority as
    // it was.
    unsafe {
        let thread = libc::gettid() as libc::id_t;
        let nice = libc::getpriority(libc::PRIO_PROCESS, thread);
        libc::setpriority(libc::PRIO_PROCESS, thread, (nice + by).min(19));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = by;
}
