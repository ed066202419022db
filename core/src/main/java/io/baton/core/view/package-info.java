/**
 * Immutable views of a node's state for operators (the admin face: metrics, health, the web page):
 * copied on the owner thread by {@link io.baton.core.server.NodeViews} and
 * {@link io.baton.core.replication.RaftReplication#status()}, read by any thread. Every view is
 * bounded: pages of children and sessions, data previews.
 */
package io.baton.core.view;
