/**
 * Safetensors reading and writing (weights move to and from PyTorch through it) and a small
 * strict JSON parser and writer.
 */
package org.siftfunnel.engine.io;
