package io.keywarden.broker.internal.mosquitto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.broker.BrokerAnswer;

/** Reads {@code {"responses":[{"command":..,"error":..,"correlationData":..}]}} and judges a batch by it. */
final class DynsecAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(DynsecAnswers.class);
    private static final int MAX_BYTES = 64 * 1024;

    private DynsecAnswers() {}

    /** Hands the responses of one batch to whoever waits for its correlation data (the part before the last dot). */
    static void dispatch(byte[] payload, Map<String, CompletableFuture<List<Object>>> waiting) {
        if (payload.length > MAX_BYTES) {
            LOG.warn("Ignored a dynamic-security response of {} bytes", payload.length);
            return;
        }
        List<?> responses;
        try {
            Object r = JsonUtil.parseJson(new String(payload, StandardCharsets.UTF_8))
                    .get("responses");
            if (!(r instanceof List<?> list)) {
                return;
            }
            responses = list;
        } catch (JoseException | RuntimeException e) {
            LOG.warn("Ignored an unreadable dynamic-security response: {}", e.getMessage());
            return;
        }
        String batch = null;
        for (Object o : responses) {
            if (o instanceof Map<?, ?> m && m.get("correlationData") instanceof String c && c.lastIndexOf('.') > 0) {
                batch = c.substring(0, c.lastIndexOf('.'));
                break;
            }
        }
        CompletableFuture<List<Object>> f = batch == null ? null : waiting.get(batch);
        if (f != null) {
            f.complete(new ArrayList<>(responses));
        }
    }

    /**
     * Judges a batch made of {@code head} commands shared by every part, then parts of {@code per} commands each: one
     * answer per part, from the head's responses and the part's own, matched by their correlation data.
     */
    static List<BrokerAnswer> judgeEach(List<Map<String, Object>> commands, List<Object> responses, int head, int per) {
        Map<Integer, Object> byIndex = new HashMap<>();
        for (Object o : responses) {
            if (o instanceof Map<?, ?> m && m.get("correlationData") instanceof String c && c.lastIndexOf('.') > 0) {
                try {
                    byIndex.putIfAbsent(Integer.parseInt(c.substring(c.lastIndexOf('.') + 1)), o);
                } catch (NumberFormatException notOurs) {
                    // judged below as a missing answer
                }
            }
        }
        List<BrokerAnswer> answers = new ArrayList<>();
        for (int from = head; from < commands.size(); from += per) {
            List<Map<String, Object>> part = new ArrayList<>(commands.subList(0, head));
            part.addAll(commands.subList(from, Math.min(commands.size(), from + per)));
            List<Object> said = new ArrayList<>();
            for (int i = 0; i < head; i++) {
                addIfPresent(said, byIndex.get(i));
            }
            for (int i = from; i < Math.min(commands.size(), from + per); i++) {
                addIfPresent(said, byIndex.get(i));
            }
            answers.add(judge(part, said));
        }
        return answers;
    }

    private static void addIfPresent(List<Object> out, Object response) {
        if (response != null) {
            out.add(response);
        }
    }

    /** Accepted when every command succeeded or found its state already there; the detail lists what was said. */
    static BrokerAnswer judge(List<Map<String, Object>> commands, List<Object> responses) {
        StringBuilder detail = new StringBuilder();
        boolean accepted = responses.size() == commands.size();
        for (Object o : responses) {
            if (!(o instanceof Map<?, ?> m)) {
                accepted = false;
                continue;
            }
            String command = String.valueOf(m.get("command"));
            Object error = m.get("error");
            if (detail.length() > 0) {
                detail.append("; ");
            }
            detail.append(command).append(": ").append(error == null ? "ok" : error);
            if (error != null && !DynsecCommands.isAlreadyDone(command, error.toString())) {
                accepted = false;
            }
        }
        if (responses.size() != commands.size()) {
            detail.append(" (")
                    .append(responses.size())
                    .append(" answers to ")
                    .append(commands.size())
                    .append(" commands)");
        }
        return new BrokerAnswer(accepted, detail.toString());
    }
}
