# ana2.py TRACE KDAMOND: slow messages of one e2e trace against kdamond's bursts
import sys,collections
rows=sorted(tuple(int(x) if i!=2 else x for i,x in enumerate(l.rstrip('\n').split('\t'))) for l in open(sys.argv[1]))
kd=[tuple(map(int,l.split())) for l in open(sys.argv[2])]
wins=[(t-dr-1_000_000,t) for t,dr in kd if dr>200_000]
t0,t1=rows[0][0],rows[-1][1]
wins=[w for w in wins if w[1]>=t0-1e7 and w[0]<=t1]
lat=sorted((b-a)/1e3 for a,b,c,n in rows); N=len(lat)
pct=lambda p: lat[min(N-1,int(p/100*N))]
def hit(a,b): return any(s<=b and e>=a for s,e in wins)
busy=sum(min(e,t1)-max(s,t0) for s,e in wins)/(t1-t0)
out=["n=%d p50=%.0f p99=%.0f p99.9=%.0f max=%.0f us; kdamond bursts in window %d (%.1f%% of the time, window incl. 1 ms slack)"%(N,pct(50),pct(99),pct(99.9),lat[-1],len(wins),100*busy)]
for L in (1000,2000,3000):
    sl=[r for r in rows if (r[1]-r[0])/1e3>=L]
    out.append(">=%d us: %d messages, %d overlapping a kdamond burst"%(L,len(sl),sum(hit(a,b) for a,b,c,n in sl)))
fast=[r for r in rows if (r[1]-r[0])/1e3<1000]
ov=[r for r in rows if hit(r[0],r[1])]
out.append("<1 ms: %d, overlapping: %d;  all overlapping a burst: %d, of them >=1 ms %d, >=2 ms %d"%(len(fast),sum(hit(a,b) for a,b,c,n in fast),len(ov),
  sum((b-a)>=1e6 for a,b,c,n in ov),sum((b-a)>=2e6 for a,b,c,n in ov)))
nb=[(b-a)/1e3 for a,b,c,n in rows if not hit(a,b)]; nb.sort()
out.append("without the overlapping ones: p99=%.0f us (n=%d)"%(nb[min(len(nb)-1,int(0.99*len(nb)))],len(nb)))
tot=collections.Counter(r[2] for r in rows); sl=collections.Counter(r[2] for r in rows if r[1]-r[0]>=1e6)
out.append("per receiver (all / >=1ms): "+" ".join("%s:%d/%d"%(t.replace('Thread-',''),tot[t],sl[t]) for t in sorted(tot)))
print("\n".join(out))
