/**
 * Tasks: what a client submits, the state machine a task goes through, the events every change
 * produces (with monotonically increasing ids, for exact resume), and the {@link
 * dev.openwork.host.api.tasks.TaskRuntime} whiteboard through which runtimes (shell, OpenCode)
 * plug in, each tool call passing a {@link dev.openwork.host.api.tasks.ToolGate}, which may ask a
 * person through the task's {@link dev.openwork.host.api.tasks.ToolGate.PromptChannel}. Since 1.1 a
 * request also carries the agent session and runtime options, and {@link
 * dev.openwork.host.api.tasks.TaskInterruptedException} serves runtimes whose engine died.
 */
@Version("1.1.0")
package dev.openwork.host.api.tasks;

import org.osgi.annotation.versioning.Version;
