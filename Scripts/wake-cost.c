// CPU cost of one sampler wake-up on this machine, in C, for comparison with the meter benchmark.
//   gcc -O2 -include stdlib.h -o /tmp/wake-cost Scripts/wake-cost.c
//   /tmp/wake-cost 0   # nanosleep only (the floor)
//   /tmp/wake-cost 1   # poll on a child's pidfd with a timeout (Greenlight's wait between samples)
//   /tmp/wake-cost 2   # the same plus one pread of /proc/PID/schedstat (an idle sample)
// 400 wake-ups 25 ms apart; prints this process's CPU time (user + system) per wake-up.
#define _GNU_SOURCE
#include <stdio.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <signal.h>
#include <fcntl.h>
static double cpu(){struct rusage u;getrusage(RUSAGE_SELF,&u);return u.ru_utime.tv_sec+u.ru_stime.tv_sec+(u.ru_utime.tv_usec+u.ru_stime.tv_usec)/1e6;}
int main(int argc,char**argv){
  int mode=atoi(argv[1]); int n=400;
  pid_t c=fork(); if(!c){pause();_exit(0);}
  int pfd=syscall(SYS_pidfd_open,c,0);
  char path[64]; snprintf(path,64,"/proc/%d/schedstat",c); int sfd=open(path,O_RDONLY); char buf[256];
  double t0=cpu();
  for(int i=0;i<n;i++){
    if(mode==0){struct timespec ts={0,25000000};nanosleep(&ts,0);}
    else {struct pollfd p={pfd,POLLIN,0};poll(&p,1,25);}
    if(mode==2){pread(sfd,buf,256,0);}
  }
  double t=cpu()-t0; printf("mode %d: %.1f us per wake\n",mode,t/n*1e6);
  kill(c,9); return 0;}
