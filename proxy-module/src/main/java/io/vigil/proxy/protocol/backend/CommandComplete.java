package io.vigil.proxy.protocol.backend;

/**
 * CommandComplete (B): {@code Byte1('C') Int32 length, String tag}, for example {@code "INSERT 0
 * 3"} or {@code "SELECT 10"}.
 */
public record CommandComplete(String tag) implements BackendMessage {

    /** The command name: the tag without its counts ("INSERT", "SELECT", "CREATE TABLE"). */
    public String command() {
        int end = tag.length();
        while (end > 0 && (Character.isDigit(tag.charAt(end - 1)) || tag.charAt(end - 1) == ' ')) {
            end--;
        }
        return tag.substring(0, end);
    }

    /** The row count the tag ends with, if it ends with one. */
    public Long rows() {
        int space = tag.lastIndexOf(' ');
        String last = tag.substring(space + 1);
        if (last.isEmpty() || !last.chars().allMatch(Character::isDigit) || space < 0) {
            return null;
        }
        try {
            return Long.parseLong(last);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
