package dev.openwork.host.runtime.opencode.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class SessionTaskTest {

    private final RecordingTaskRun run = new RecordingTaskRun();
    private final SessionTask task = new SessionTask(run, "ses_a", "/ws", "dev_a", 1, 0);

    private void event(String json) {
        task.onEvent(Events.of("/ws", json));
    }

    private static String toolPart(String callId, String status, String extra) {
        return "{'type':'message.part.updated','properties':{'sessionID':'ses_a','part':{'type':'tool','id':'prt_" + callId
                + "','messageID':'msg_2','sessionID':'ses_a','tool':'bash','callID':'" + callId + "','state':{'status':'"
                + status + "','input':{'command':'make test'}" + extra + "}}}}";
    }

    @Test
    public void toolPartsBecomeToolEventsWithLiveAndFinalOutputOnce() {
        event(toolPart("c1", "pending", ""));
        event(toolPart("c1", "running", ",'metadata':{'output':'compiling\\npart'}"));
        event(toolPart("c1", "running", ",'metadata':{'output':'compiling\\npartial line\\n'}"));
        event(toolPart("c1", "completed", ",'output':'compiling\\npartial line\\nall passed','title':'make test','metadata':{'exit':0}"));
        event(toolPart("c1", "completed", ",'output':'again','title':'make test'"));
        event(toolPart("c2", "error", ",'error':'command not found'"));
        assertEquals(List.of("started|0|bash: make test", "stdout|0|compiling", "stdout|0|partial line", "stdout|0|all passed",
                "finished|0|0|make test", "started|1|bash: make test", "stderr|1|command not found",
                "finished|1|1|command not found"), run.events);
    }

    @Test
    public void finishedAssistantTextBecomesOutputAndUserTextDoesNot() {
        event("{'type':'message.updated','properties':{'sessionID':'ses_a','info':{'id':'msg_u','sessionID':'ses_a','role':'user'}}}");
        event("{'type':'message.part.updated','properties':{'sessionID':'ses_a','part':{'type':'text','id':'p0','messageID':'msg_u','sessionID':'ses_a','text':'do it','time':{'start':1,'end':2}}}}");
        event("{'type':'message.updated','properties':{'sessionID':'ses_a','info':{'id':'msg_a','sessionID':'ses_a','role':'assistant'}}}");
        event("{'type':'message.part.updated','properties':{'sessionID':'ses_a','part':{'type':'text','id':'p1','messageID':'msg_a','sessionID':'ses_a','text':'Done','time':{'start':1}}}}");
        assertTrue(run.events.isEmpty());
        event("{'type':'message.part.updated','properties':{'sessionID':'ses_a','part':{'type':'text','id':'p1','messageID':'msg_a','sessionID':'ses_a','text':'Done.\\nBye','time':{'start':1,'end':3}}}}");
        event("{'type':'message.part.updated','properties':{'sessionID':'ses_a','part':{'type':'text','id':'p2','messageID':'msg_a','sessionID':'ses_a','text':'unfinished','time':{'start':1}}}}");
        task.flushText();
        assertEquals(List.of("stdout|0|Done.", "stdout|0|Bye", "stdout|0|unfinished"), run.events);
    }

    @Test
    public void idleErrorAndLossAreSeen() throws Exception {
        assertFalse(task.awaitIdle(50, true));
        event("{'type':'session.status','properties':{'sessionID':'ses_a','status':{'type':'busy'}}}");
        event("{'type':'session.error','properties':{'sessionID':'ses_a','error':{'name':'APIError','data':{'message':'rate limited'}}}}");
        event("{'type':'session.idle','properties':{'sessionID':'ses_a'}}");
        assertTrue(task.awaitIdle(1000, true));
        assertEquals("APIError: rate limited", task.error());
        task.lost("OpenCode stopped unexpectedly (exit code 137)");
        assertEquals("OpenCode stopped unexpectedly (exit code 137)", task.lostCause());
    }

    @Test
    public void eventsNameTheirSessionWhereverOpenCodePutsIt() {
        assertEquals("ses_1", Events.of(null, "{'type':'session.status','properties':{'sessionID':'ses_1'}}").sessionId());
        assertEquals("ses_2", Events.of(null, "{'type':'message.part.updated','properties':{'part':{'sessionID':'ses_2'}}}").sessionId());
        assertEquals("ses_3", Events.of(null, "{'type':'message.updated','properties':{'info':{'sessionID':'ses_3'}}}").sessionId());
        assertEquals("ses_4", Events.of(null, "{'type':'session.updated','properties':{'info':{'id':'ses_4'}}}").sessionId());
        assertEquals(null, Events.of(null, "{'type':'project.updated','properties':{'id':'global'}}").sessionId());
    }
}
