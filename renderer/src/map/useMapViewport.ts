/**
 * The map's viewport: what part of the world is shown and how the person moves it — drag (a CSS
 * transform on the painted layer until the drag ends), wheel, arrow and +/-/0 keys, the zoom buttons,
 * and zooming into a cluster. The view stays fitted to the farms until the person moves it.
 */
import {
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { useElementSize } from '../hooks/useElementSize.ts';
import type { Cluster } from '../lib/cluster.ts';
import {
  clampView,
  fitPoints,
  panBy,
  type Point,
  type Size,
  toScreen,
  type Viewport,
  zoomAt,
} from '../lib/projection.ts';

const KEY_PAN_PX = 80;

export interface MapViewport {
  /** The map's frame: measured, and the target of wheel and pointer events. */
  box: RefObject<HTMLDivElement | null>;
  /** The painted layer, moved by a transform while dragging. */
  layer: RefObject<HTMLDivElement | null>;
  size: Size;
  view: Viewport;
  /** How far the painted layer reaches beyond the frame on each side (px). */
  margin: number;
  /** Fit the view to the farms. */
  fit: () => void;
  /** Zoom about the centre (the buttons). */
  zoomBy: (factor: number) => void;
  /** Zoom into a cluster: to fit its farms, or at least 4× about it. */
  zoomToCluster: (c: Pick<Cluster, 'bounds' | 'p'>) => void;
  /** Whether the last press moved the map (then its click opens nothing). */
  wasDragged: () => boolean;
  onKeyDown: (e: KeyboardEvent) => void;
  pointerHandlers: {
    onPointerDown: (e: PointerEvent) => void;
    onPointerMove: (e: PointerEvent) => void;
    onPointerUp: () => void;
    onPointerCancel: () => void;
  };
}

/** `points`: the farms to fit; `onDragStart`: called when a press turns into a drag. */
export function useMapViewport(points: readonly Point[], onDragStart: () => void): MapViewport {
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box);
  const [view, setView] = useState<Viewport>({ x: 0.5, y: 0.5, k: 256 });

  // Keep the farms fitted until the person moves the map: farms arrive a few at a time, and a view fitted
  // to the first ones left later ones off to the side (and clustered unlike the "0" fit).
  const userMoved = useRef(false);
  const fit = useCallback(() => setView(fitPoints(points, size)), [points, size]);
  useEffect(() => {
    if (size.width === 0) return;
    if (!userMoved.current) fit();
    else setView((v) => clampView(v, size));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [size.width, size.height, points.length]);

  // Coalesce pointer moves to one state update per frame.
  const pending = useRef<Viewport | undefined>(undefined);
  const frame = useRef(0);
  const schedule = useCallback((next: (v: Viewport) => Viewport) => {
    pending.current = next(pending.current ?? viewRef.current);
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (pending.current) setView(pending.current);
      pending.current = undefined;
    });
  }, []);
  const viewRef = useRef(view);
  viewRef.current = view;
  const sizeRef = useRef(size);
  sizeRef.current = size;
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = Math.exp(-e.deltaY * 0.0015);
      userMoved.current = true;
      schedule((v) => zoomAt(v, sizeRef.current, factor, { x: e.clientX - r.left, y: e.clientY - r.top }));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [schedule]);

  // Dragging moves the already-painted map layer with a CSS transform (compositor only, no re-render);
  // the view is committed when the drag ends or before it runs past the painted margin.
  const layer = useRef<HTMLDivElement>(null);
  const margin = Math.round(Math.max(size.width, size.height) / 3);
  const drag = useRef<
    { x: number; y: number; dx: number; dy: number; moved: boolean; id: number } | undefined
  >(undefined);
  const commitDrag = useCallback(() => {
    const d = drag.current;
    if (!d || (d.dx === 0 && d.dy === 0)) return;
    const { dx, dy } = d;
    userMoved.current = true;
    d.x += dx;
    d.y += dy;
    d.dx = 0;
    d.dy = 0;
    setView((v) => panBy(v, sizeRef.current, dx, dy));
  }, []);
  useLayoutEffect(() => {
    if (layer.current) layer.current.style.transform = '';
  }, [view]);
  const dragged = useRef(false);

  const zoomToCluster = useCallback((c: Pick<Cluster, 'bounds' | 'p'>) => {
    userMoved.current = true;
    const pts = [
      { x: c.bounds.minX, y: c.bounds.minY },
      { x: c.bounds.maxX, y: c.bounds.maxY },
    ];
    const fittedView = fitPoints(pts, sizeRef.current, 64, viewRef.current.k * 64);
    setView(
      fittedView.k > viewRef.current.k * 1.5
        ? fittedView
        : zoomAt(viewRef.current, sizeRef.current, 4, toScreen(viewRef.current, sizeRef.current, c.p)),
    );
  }, []);
  const wasDragged = useCallback(() => dragged.current, []);

  const onKeyDown = (e: KeyboardEvent) => {
    const s = sizeRef.current;
    const keys: Record<string, () => Viewport> = {
      ArrowLeft: () => panBy(view, s, KEY_PAN_PX, 0),
      ArrowRight: () => panBy(view, s, -KEY_PAN_PX, 0),
      ArrowUp: () => panBy(view, s, 0, KEY_PAN_PX),
      ArrowDown: () => panBy(view, s, 0, -KEY_PAN_PX),
      '+': () => zoomAt(view, s, 1.6),
      '=': () => zoomAt(view, s, 1.6),
      '-': () => zoomAt(view, s, 1 / 1.6),
      '0': () => fitPoints(points, s),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    // "0" hands the view back to the automatic fit.
    userMoved.current = e.key !== '0';
    setView(action());
  };

  const pointerHandlers = {
    onPointerDown: (e: PointerEvent) => {
      if (e.button !== 0) return;
      drag.current = { x: e.clientX, y: e.clientY, dx: 0, dy: 0, moved: false, id: e.pointerId };
      dragged.current = false;
    },
    onPointerMove: (e: PointerEvent) => {
      const d = drag.current;
      if (!d || d.id !== e.pointerId) return;
      d.dx = e.clientX - d.x;
      d.dy = e.clientY - d.y;
      if (!d.moved && Math.hypot(d.dx, d.dy) < 4) return;
      if (!d.moved) {
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        onDragStart();
      }
      d.moved = true;
      dragged.current = true;
      if (Math.abs(d.dx) > margin * 0.8 || Math.abs(d.dy) > margin * 0.8) commitDrag();
      else if (layer.current) layer.current.style.transform = `translate(${d.dx}px, ${d.dy}px)`;
    },
    onPointerUp: () => {
      commitDrag();
      drag.current = undefined;
    },
    onPointerCancel: () => {
      commitDrag();
      drag.current = undefined;
    },
  };

  return {
    box,
    layer,
    size,
    view,
    margin,
    fit,
    zoomBy: (factor) => setView(zoomAt(view, size, factor)),
    zoomToCluster,
    wasDragged,
    onKeyDown,
    pointerHandlers,
  };
}
