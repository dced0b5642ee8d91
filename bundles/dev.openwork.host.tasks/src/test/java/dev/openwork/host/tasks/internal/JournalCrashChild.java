package dev.openwork.host.tasks.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link TaskJournalCrashTest} kills: appends events from several threads for ever
 * and prints {@code <id> <writer> <seq>} for every acknowledged (returned) append.
 * Arguments: the journal directory, the number of writers, the segment size.
 */
public final class JournalCrashChild {

    private JournalCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int writers = Integer.parseInt(args[1]);
        long segmentBytes = Long.parseLong(args[2]);
        PrintStream out = System.out;
        TaskJournal journal = TaskJournal.open(directory, Clock.systemUTC(), segmentBytes);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                try {
                    for (long seq = 0; ; seq++) {
                        long id = journal.append(JournalDraft.output("writer-" + writer, 0, "stdout",
                                "writer " + writer + " line " + seq + " " + "x".repeat((int) (seq % 200))));
                        synchronized (out) {
                            out.print(id + " " + writer + " " + seq + "\n");
                            out.flush();
                        }
                    }
                } catch (Throwable e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            }, "writer-" + w);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
