package io.baton.core.recipe;

/** One version of a configuration document (JSON text). */
public record ConfigVersion(int version, String json, long zxid) {
}
