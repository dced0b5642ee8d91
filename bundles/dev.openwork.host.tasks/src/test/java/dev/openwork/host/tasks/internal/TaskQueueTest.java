package dev.openwork.host.tasks.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

public class TaskQueueTest {

    @Test
    public void aTaskPutBackIsNextForItsDeviceAndFreesItsSlot() {
        TaskQueue queue = new TaskQueue();
        queue.enqueue("phone", "t1");
        queue.enqueue("phone", "t2");
        assertEquals("t1", queue.next(1, 1).orElseThrow());
        assertEquals(1, queue.running());
        queue.putBack("phone", "t1");
        assertEquals(0, queue.running());
        assertEquals(java.util.List.of("t1", "t2"), queue.queuedTasks());
        assertEquals("t1", queue.next(1, 1).orElseThrow());
    }

    @Test
    public void devicesTakeTurns() {
        TaskQueue queue = new TaskQueue();
        for (int i = 0; i < 5; i++) {
            queue.enqueue("busy", "busy-" + i);
        }
        queue.enqueue("quiet", "quiet-0");
        queue.enqueue("other", "other-0");
        List<String> order = new ArrayList<>();
        Optional<String> next;
        while ((next = queue.next(100, 100)).isPresent()) {
            order.add(next.get());
        }
        assertEquals(List.of("busy-0", "quiet-0", "other-0", "busy-1", "busy-2", "busy-3", "busy-4"), order);
    }

    @Test
    public void globalAndPerDeviceLimitsHold() {
        TaskQueue queue = new TaskQueue();
        queue.enqueue("a", "a1");
        queue.enqueue("a", "a2");
        queue.enqueue("b", "b1");
        assertEquals("a1", queue.next(2, 1).orElseThrow());
        assertEquals("a's second waits for a's first; b goes", "b1", queue.next(2, 1).orElseThrow());
        assertTrue("the global limit is reached", queue.next(2, 1).isEmpty());
        queue.finished("b");
        assertTrue("a is still at its own limit", queue.next(2, 1).isEmpty());
        queue.finished("a");
        assertEquals("a2", queue.next(2, 1).orElseThrow());
        assertEquals(0, queue.queued());
    }

    @Test
    public void removedTasksNeverStart() {
        TaskQueue queue = new TaskQueue();
        queue.enqueue("a", "a1");
        queue.enqueue("a", "a2");
        assertTrue(queue.remove("a", "a1"));
        assertEquals("a2", queue.next(5, 5).orElseThrow());
        assertTrue(queue.next(5, 5).isEmpty());
    }

    @Test
    public void aDeviceWhoseNextTaskIsNotReadyWaitsInOrderWhileOthersGo() {
        TaskQueue queue = new TaskQueue();
        queue.enqueue("a", "a1");
        queue.enqueue("a", "a2");
        queue.enqueue("b", "b1");
        java.util.function.Predicate<String> ready = id -> !id.equals("a1");
        assertEquals("b1", queue.next(10, 10, ready).orElseThrow());
        assertTrue("a2 does not overtake a1", queue.next(10, 10, ready).isEmpty());
        assertEquals("a1", queue.next(10, 10, id -> true).orElseThrow());
        assertEquals("a2", queue.next(10, 10, id -> true).orElseThrow());
    }
}
