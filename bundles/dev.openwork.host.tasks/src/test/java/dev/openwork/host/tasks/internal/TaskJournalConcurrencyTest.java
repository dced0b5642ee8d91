package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.tasks.TaskEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TaskJournalConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 2_000;

    @Rule
    public final TemporaryFolder temp = new TemporaryFolder();

    private Path dir;
    private TaskJournal journal;

    @Before
    public void setUp() throws IOException {
        dir = temp.getRoot().toPath().resolve("journal");
        journal = TaskJournal.open(dir, Clock.systemUTC(), 256 * 1024);
    }

    @After
    public void tearDown() throws IOException {
        journal.close();
    }

    @Test(timeout = 60_000)
    public void eightAppendersGetUniqueContiguousIdsAndEveryEventIsReadableInOrder() throws Exception {
        long[][] ids = new long[THREADS][PER_THREAD];
        AtomicReference<Throwable> error = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        ids[thread][i] = journal.append(JournalDraft.output("task-" + thread, 0, "stdout",
                                "line " + i + " of writer " + thread));
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, "appender-" + t));
        }
        // A client following the global stream while the appends run must see every id once, in order.
        long total = (long) THREADS * PER_THREAD;
        List<Long> followed = new ArrayList<>();
        Thread follower = new Thread(() -> {
            try {
                long after = 0;
                while (after < total) {
                    List<TaskEvent> page = journal.eventsAfter(after, 700, null);
                    if (page.isEmpty()) {
                        Thread.yield();
                    }
                    for (TaskEvent e : page) {
                        followed.add(e.id());
                        after = e.id();
                    }
                }
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        }, "follower");
        threads.forEach(Thread::start);
        follower.start();
        long syncsBefore = journal.syncCount();
        start.await();
        for (Thread thread : threads) {
            thread.join();
        }
        follower.join();
        assertNull(String.valueOf(error.get()), error.get());
        long syncs = journal.syncCount() - syncsBefore;

        boolean[] seen = new boolean[(int) total + 1];
        for (long[] threadIds : ids) {
            for (int i = 0; i < PER_THREAD; i++) {
                long id = threadIds[i];
                assertTrue("id in range: " + id, id >= 1 && id <= total);
                assertTrue("id unique: " + id, !seen[(int) id]);
                seen[(int) id] = true;
                if (i > 0) {
                    assertTrue("a writer's ids increase", id > threadIds[i - 1]);
                }
            }
        }
        assertEquals(total, journal.lastEventId());
        for (int i = 0; i < followed.size(); i++) {
            assertEquals("the follower saw no gap and no duplicate", i + 1, (long) followed.get(i));
        }
        assertEquals(total, followed.size());

        verifyContents(ids);
        journal.close();
        journal = TaskJournal.open(dir, Clock.systemUTC(), 256 * 1024);
        verifyContents(ids);
        assertTrue("concurrent appenders share their syncs: " + syncs + " syncs for " + total + " events",
                syncs < total);
        System.out.printf("%d events from %d threads: %d group syncs (%.1f events per sync)%n", total, THREADS, syncs,
                (double) total / syncs);
    }

    private void verifyContents(long[][] ids) {
        for (int t = 0; t < THREADS; t++) {
            List<TaskEvent> events = journal.events("task-" + t, 0, PER_THREAD + 1);
            assertEquals(PER_THREAD, events.size());
            for (int i = 0; i < PER_THREAD; i++) {
                TaskEvent e = events.get(i);
                assertEquals(ids[t][i], e.id());
                assertEquals("per-task order is the writer's order", "line " + i + " of writer " + t, e.text());
            }
        }
        List<TaskEvent> all = journal.eventsAfter(0, THREADS * PER_THREAD + 1, null);
        assertEquals(THREADS * PER_THREAD, all.size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).id());
        }
    }

    @Test(timeout = 30_000)
    public void appendersWaitingBehindASyncShareTheNextOne() throws Exception {
        CountDownLatch leaderInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        journal.beforeSync = () -> {
            if (leaderInside.getCount() > 0) {
                leaderInside.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        long syncsBefore = journal.syncCount();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        Runnable append = () -> {
            try {
                journal.append(JournalDraft.output("t", 0, "stdout", Thread.currentThread().getName()));
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        };
        Thread leader = new Thread(append, "leader");
        threads.add(leader);
        leader.start();
        assertTrue(leaderInside.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 7; i++) {
            Thread follower = new Thread(append, "follower-" + i);
            threads.add(follower);
            follower.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (journal.writtenId() < 8 && System.nanoTime() < deadline) {
            Thread.yield();
        }
        assertEquals("all eight wrote while the first sync was held", 8, journal.writtenId());
        assertEquals("nothing is visible before it is synced", 0, journal.lastEventId());
        assertEquals(List.of(), journal.eventsAfter(0, 10, null));
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertNull(String.valueOf(error.get()), error.get());
        assertEquals("one sync acknowledged all eight", 1, journal.syncCount() - syncsBefore);
        assertEquals(8, journal.eventsAfter(0, 10, null).size());
    }
}
