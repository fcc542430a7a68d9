import { Suspense, lazy } from 'react';
import { ErrorBoundary } from '../ui/ErrorBoundary.js';
import { Loading } from '../ui/states.js';
import { OrderBook } from './market/OrderBook.js';
import { RecentTrades } from './market/RecentTrades.js';
import { TickerStrip } from './market/TickerStrip.js';
import { OrderTicket } from './ticket/OrderTicket.js';

// the heavy libraries load after the first paint: ECharts for the charts, AG Grid for the blotters
const CandleChart = lazy(() => import('./market/CandleChart.js'));
const DepthChart = lazy(() => import('./market/DepthChart.js'));
const Blotters = lazy(() => import('./blotters/Blotters.js'));

export function TradeView() {
  return (
    <div className="trade-view">
      <ErrorBoundary what="ticker strip">
        <TickerStrip />
      </ErrorBoundary>
      <div className="trade-grid">
        <div className="area-chart">
          <ErrorBoundary what="chart">
            <Suspense fallback={<Loading what="chart" />}>
              <CandleChart />
            </Suspense>
          </ErrorBoundary>
        </div>
        <div className="area-book">
          <ErrorBoundary what="order book">
            <OrderBook />
            <Suspense fallback={null}>
              <DepthChart />
            </Suspense>
          </ErrorBoundary>
        </div>
        <div className="area-ticket">
          <ErrorBoundary what="order ticket">
            <OrderTicket />
          </ErrorBoundary>
          <ErrorBoundary what="trades list">
            <RecentTrades />
          </ErrorBoundary>
        </div>
        <div className="area-blotters">
          <ErrorBoundary what="blotters">
            <Suspense fallback={<Loading what="blotters" />}>
              <Blotters />
            </Suspense>
          </ErrorBoundary>
        </div>
      </div>
    </div>
  );
}
