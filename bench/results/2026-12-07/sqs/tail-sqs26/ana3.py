# ana3.py TRACE...: p99 of all messages vs the messages sent after the phase's first second; slow ones by time
import sys
for f in sys.argv[1:]:
    rows=sorted(tuple(int(x) if i!=2 else x for i,x in enumerate(l.rstrip('\n').split('\t'))) for l in open(f))
    t0=rows[0][0]
    def p(v,q): v=sorted(v); return v[min(len(v)-1,int(q*len(v)))]
    allv=[(b-a)/1e3 for a,b,c,n in rows]; late=[(b-a)/1e3 for a,b,c,n in rows if a-t0>=1e9]
    first=[(b-a)/1e3 for a,b,c,n in rows if a-t0<1e9]
    thr=p(allv,0.99)
    print("%s: p50 %.0f p99 %.0f p99.9 %.0f us | after 1st s: n=%d p99 %.0f p99.9 %.0f | 1st s: p50 %.0f, %d of the %d >= p99 (%.0f us)"%(
        f.split('/')[-1],p(allv,.5),thr,p(allv,.999),len(late),p(late,.99),p(late,.999),p(first,.5),
        sum(v>=thr for v in first),sum(v>=thr for v in allv),thr))
