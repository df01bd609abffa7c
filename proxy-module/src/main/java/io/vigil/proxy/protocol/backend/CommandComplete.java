package io.vigil.proxy.protocol.backend;

/**
 * CommandComplete (B): {@code Byte1('C') Int32 length, String tag}, for example {@code "INSERT 0
 * 3"} or {@code "SELECT 10"}.
 */
public record CommandComplete(String tag) implements BackendMessage {

    /** The command name: the tag without its counts ("INSERT", "SELECT", "CREATE TABLE"). */
    public String command() {
        int end = tag.length();
        while (end > 0 && isCountCharacter(tag.charAt(end - 1))) {
            end--;
        }
        return tag.substring(0, end);
    }

    /** PostgreSQL writes counts in ASCII digits; any other digit is part of a name. */
    private static boolean isCountCharacter(char c) {
        return c == ' ' || (c >= '0' && c <= '9');
    }

    /** The row count the tag ends with, if it ends with one. */
    public Long rows() {
        int space = tag.lastIndexOf(' ');
        if (space < 0 || space == tag.length() - 1) {
            return null;
        }
        long rows = 0;
        for (int i = space + 1; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < '0' || c > '9' || rows > (Long.MAX_VALUE - (c - '0')) / 10) {
                return null; // not a count, or more than a bigint holds
            }
            rows = rows * 10 + (c - '0');
        }
        return rows;
    }
}
