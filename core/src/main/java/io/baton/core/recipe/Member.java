package io.baton.core.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A group member or service instance: its id, node, owning session and document. */
public record Member(String id, String path, long session, long czxid, int version, ObjectNode doc) {
}
