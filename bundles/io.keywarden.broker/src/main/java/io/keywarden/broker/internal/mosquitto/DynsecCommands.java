package io.keywarden.broker.internal.mosquitto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jose4j.json.JsonUtil;

/**
 * The dynamic-security command batches (Mosquitto 2 {@code $CONTROL/dynamic-security/v1}). Mosquitto 2.0 does not run
 * plugin authentication for clients whose user name comes from their certificate ({@code use_identity_as_username};
 * eclipse-mosquitto/mosquitto#2999): {@code disableClient} ends the live session but would not keep a reconnect out.
 * So containment also gives the client a deny-everything role with the highest priority, which dynamic security's
 * ACL check does apply to such clients, and {@link MosquittoDynsec} ends any later session of a contained identity.
 */
final class DynsecCommands {
    static final String CONTAINED_ROLE = "keywarden-contained";
    /** Above any priority an operator would give a role: this role's denials win. */
    static final int CONTAINED_PRIORITY = 1_000_000;

    static final String DEFAULT_CONTAINED_TEXT = "Keywarden: identities contained after a revocation; deny everything";

    private DynsecCommands() {}

    /** Commands per identity in {@link #disableAll}, after the one that creates the contained role. */
    static final int PER_DISABLED_IDENTITY = 3;

    static List<Map<String, Object>> disable(String username) {
        return disableAll(List.of(username));
    }

    /** The contained role, then for each user name: the client, its contained role, and disabled. */
    static List<Map<String, Object>> disableAll(List<String> usernames) {
        List<Map<String, Object>> commands = new ArrayList<>(1 + PER_DISABLED_IDENTITY * usernames.size());
        commands.add(containedRole());
        for (String username : usernames) {
            commands.add(command("createClient", "username", username, "textname", "created by Keywarden containment"));
            commands.add(command(
                    "addClientRole", "username", username, "rolename", CONTAINED_ROLE, "priority", CONTAINED_PRIORITY));
            commands.add(command("disableClient", "username", username));
        }
        return commands;
    }

    static List<Map<String, Object>> enable(String username) {
        return List.of(
                command("removeClientRole", "username", username, "rolename", CONTAINED_ROLE),
                command("enableClient", "username", username));
    }

    /** Errors that mean the state asked for is already there: a repeated push must count as done. */
    static boolean isAlreadyDone(String command, String error) {
        String e = error.toLowerCase(Locale.ROOT);
        return switch (command) {
            case "createRole", "createClient" -> e.contains("already exists");
            case "addClientRole" -> e.contains("already");
            case "removeClientRole" -> e.contains("not found") || e.contains("does not have");
            default -> false;
        };
    }

    static String toJson(List<Map<String, Object>> commands, String correlation) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>(commands.get(i));
            c.put("correlationData", correlation + "." + i);
            out.add(c);
        }
        return JsonUtil.toJson(Map.of("commands", out));
    }

    private static Map<String, Object> containedRole() {
        List<Map<String, Object>> acls = new ArrayList<>();
        for (String type :
                new String[] {"publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern"}) {
            Map<String, Object> acl = new LinkedHashMap<>();
            acl.put("acltype", type);
            acl.put("topic", "#");
            acl.put("priority", CONTAINED_PRIORITY);
            acl.put("allow", false);
            acls.add(acl);
        }
        Map<String, Object> c = command("createRole", "rolename", CONTAINED_ROLE, "textname", DEFAULT_CONTAINED_TEXT);
        c.put("acls", acls);
        return c;
    }

    private static Map<String, Object> command(String name, Object... keyValues) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("command", name);
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put((String) keyValues[i], keyValues[i + 1]);
        }
        return c;
    }
}
