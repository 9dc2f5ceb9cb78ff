/**
 * Attention blocks: the paper's SiftFunnel attention modules ({@link
 * org.siftfunnel.engine.nn.attention.SEModule}, {@link org.siftfunnel.engine.nn.attention.CBAM},
 * {@link org.siftfunnel.engine.nn.attention.TripletAttention}) with state-dict names that match
 * the PyTorch reference code, and transformer-style self-attention
 * ({@link org.siftfunnel.engine.nn.attention.MultiHeadSelfAttention},
 * {@link org.siftfunnel.engine.nn.attention.SelfAttentionBlock}).
 */
package org.siftfunnel.engine.nn.attention;
