package io.keywarden.broker.internal.mosquitto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.keywarden.broker.BrokerAnswer;

/** A batch of disables is judged identity by identity, by the correlation data of each response. */
class DynsecAnswersTest {
    private static final List<String> IDS = List.of("a.test", "b.test", "c.test", "d.test");

    private static Map<String, Object> response(List<Map<String, Object>> commands, int index, String error) {
        Map<String, Object> r = new HashMap<>();
        r.put("command", commands.get(index).get("command"));
        r.put("correlationData", "run-1." + index);
        if (error != null) {
            r.put("error", error);
        }
        return r;
    }

    @Test
    void eachIdentityIsJudgedByItsOwnResponsesWhateverTheirOrder() {
        List<Map<String, Object>> commands = DynsecCommands.disableAll(IDS);
        assertEquals(1 + DynsecCommands.PER_DISABLED_IDENTITY * IDS.size(), commands.size());
        List<Object> responses = new ArrayList<>();
        responses.add(response(commands, 0, "Role already exists"));
        for (int i = 1; i < commands.size(); i++) {
            int identity = (i - 1) / DynsecCommands.PER_DISABLED_IDENTITY;
            String error = null;
            if (identity == 1 && commands.get(i).get("command").equals("createClient")) {
                error = "Client already exists"; // a repeated push: done
            }
            if (identity == 2 && commands.get(i).get("command").equals("disableClient")) {
                error = "Internal error";
            }
            if (identity == 3 && commands.get(i).get("command").equals("disableClient")) {
                continue; // no answer to it
            }
            responses.add(response(commands, i, error));
        }
        Collections.reverse(responses);

        List<BrokerAnswer> answers =
                DynsecAnswers.judgeEach(commands, responses, 1, DynsecCommands.PER_DISABLED_IDENTITY);

        assertEquals(4, answers.size());
        assertTrue(answers.get(0).accepted(), answers.get(0).detail());
        assertTrue(
                answers.get(1).accepted(),
                "already there counts as done: " + answers.get(1).detail());
        assertFalse(answers.get(2).accepted(), answers.get(2).detail());
        assertTrue(
                answers.get(2).detail().contains("disableClient: Internal error"),
                answers.get(2).detail());
        assertFalse(
                answers.get(3).accepted(),
                "an unanswered command: " + answers.get(3).detail());
        assertTrue(
                answers.get(3).detail().contains("3 answers to 4 commands"),
                answers.get(3).detail());
    }

    @Test
    void aRoleTheBrokerRefusedRefusesEveryIdentity() {
        List<Map<String, Object>> commands = DynsecCommands.disableAll(IDS.subList(0, 2));
        List<Object> responses = new ArrayList<>();
        responses.add(response(commands, 0, "Not authorised"));
        for (int i = 1; i < commands.size(); i++) {
            responses.add(response(commands, i, null));
        }
        List<BrokerAnswer> answers =
                DynsecAnswers.judgeEach(commands, responses, 1, DynsecCommands.PER_DISABLED_IDENTITY);
        assertEquals(2, answers.size());
        answers.forEach(a -> assertFalse(a.accepted(), a.detail()));
    }

    @Test
    void oneIdentityIsTheBatchOfOne() {
        List<Map<String, Object>> commands = DynsecCommands.disable("a.test");
        assertEquals(DynsecCommands.disableAll(List.of("a.test")), commands);
        List<Object> responses = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            responses.add(response(commands, i, null));
        }
        assertTrue(DynsecAnswers.judge(commands, responses).accepted());
        assertTrue(DynsecAnswers.judgeEach(commands, responses, 1, 3).get(0).accepted());
    }
}
