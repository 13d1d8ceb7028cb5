package io.keywarden.demo;

import java.util.List;

/** Small helpers for the subcommands' flags. */
public final class Args {
    private Args() {}

    /** The value after the flag at {@code i - 1}. */
    public static String value(List<String> args, int i) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new DemoException("missing value after " + args.get(i - 1), 2);
        }
        return args.get(i);
    }

    public static int intValue(List<String> args, int i, int min, int max) {
        String v = value(args, i);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new DemoException(args.get(i - 1) + " must be between " + min + " and " + max + ": " + v, 2);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new DemoException(args.get(i - 1) + " needs a number: " + v, 2);
        }
    }
}
