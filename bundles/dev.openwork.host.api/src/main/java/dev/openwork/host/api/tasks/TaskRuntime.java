package dev.openwork.host.api.tasks;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A runtime that executes tasks, registered as a whiteboard service with the property {@link #NAME}.
 * Installing its bundle makes the runtime available at once; stopping it makes new tasks for it a
 * clear error (running ones are interrupted).
 *
 * <p>Contract: {@link #run} is called on a thread of the task queue and returns when the task is
 * over. It reports through the {@link TaskRun}, asks {@link TaskRun#check} before every tool call,
 * stops promptly (killing whatever it started, with a grace period) once
 * {@link TaskRun#stopRequested()} is true, and never outlives {@link TaskRun#deadline()}.
 */
@ConsumerType
public interface TaskRuntime {

    /** Service property: the runtime's name, as clients give it in {@link TaskRequest#runtime()}. */
    String NAME = "task.runtime.name";

    /** How a task ended, from the runtime's point of view. */
    record Outcome(boolean succeeded, Integer exitCode, String summary) {
    }

    /** Runs the task to its end. Throwing fails the task with the exception's message as summary. */
    Outcome run(TaskRun run) throws Exception;
}
