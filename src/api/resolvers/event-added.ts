/** Subscription.eventAdded: the live feed, filtered and scoped like `events`, one EventAdded per stored event. */
import { AppError, ErrorCode } from '../../errors/codes';
import type { LiveDelivery } from '../../live/feed';
import { rowToEventNode } from '../../graph/reader/events';
import type { ApiContext } from '../context';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { createLoaders } from '../loaders';
import { checkedFilter } from '../filters';

const OVER_WEBSOCKET = 'subscriptions run over graphql-ws (WebSocket) at /graphql, not over HTTP POST';

export const eventAdded: SubscriptionResolvers['eventAdded'] = {
  // Event types are checked as for queries; hostnames are not, since a host may enrol later.
  subscribe: async (_parent, args, ctx) => {
    if (!ctx.live) throw new AppError(ErrorCode.BAD_USER_INPUT, OVER_WEBSOCKET);
    return ctx.live.subscribe(await checkedFilter(args.filter, ctx), ctx.orgScope, ctx.principal.keyId);
  },
  resolve: (delivery: LiveDelivery | undefined, _args: unknown, ctx: ApiContext) => {
    // Over HTTP, graphql executes a subscription like a query, with no event to resolve.
    if (!delivery?.row) throw new AppError(ErrorCode.BAD_USER_INPUT, OVER_WEBSOCKET);
    // A subscription's context lives for hours: fresh DataLoaders per event, so parents and
    // sensors are read as they are now and the caches never grow without bound.
    ctx.loaders = createLoaders(ctx.reader, ctx.trees, ctx.search, ctx.lateral, ctx.orgScope);
    return { event: rowToEventNode(delivery.row), droppedBefore: delivery.droppedBefore };
  },
};
