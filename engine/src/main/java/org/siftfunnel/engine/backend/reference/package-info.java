/**
 * The scalar reference backend: obvious loops, double accumulation, single thread. It is the
 * oracle that the conformance suite compares every other backend against.
 */
package org.siftfunnel.engine.backend.reference;
